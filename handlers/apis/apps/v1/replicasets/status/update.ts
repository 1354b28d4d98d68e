import { statusUpdateHandler } from '../../../../../../shared/api/handlers';
import { replicaSets } from '../../../../../../shared/resources/workloads';

export default statusUpdateHandler(replicaSets);
