import { listHandler } from '../../../../../shared/api/handlers';
import { replicaSets } from '../../../../../shared/resources/workloads';

export default listHandler(replicaSets);
