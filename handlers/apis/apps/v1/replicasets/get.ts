import { getHandler } from '../../../../../shared/api/handlers';
import { replicaSets } from '../../../../../shared/resources/workloads';

export default getHandler(replicaSets);
