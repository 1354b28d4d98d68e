import { statusPatchHandler } from '../../../../../../shared/api/handlers';
import { replicaSets } from '../../../../../../shared/resources/workloads';

export default statusPatchHandler(replicaSets);
