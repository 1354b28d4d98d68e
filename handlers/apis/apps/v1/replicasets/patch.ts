import { patchHandler } from '../../../../../shared/api/handlers';
import { replicaSets } from '../../../../../shared/resources/workloads';

export default patchHandler(replicaSets);
