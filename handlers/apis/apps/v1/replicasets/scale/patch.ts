import { scalePatchHandler } from '../../../../../../shared/api/handlers';
import { replicaSets } from '../../../../../../shared/resources/workloads';

export default scalePatchHandler(replicaSets);
