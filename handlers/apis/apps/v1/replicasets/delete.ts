import { deleteHandler } from '../../../../../shared/api/handlers';
import { replicaSets } from '../../../../../shared/resources/workloads';

export default deleteHandler(replicaSets);
