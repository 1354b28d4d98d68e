import { deleteHandler } from '../../../../../shared/api/handlers';
import { deployments } from '../../../../../shared/resources/workloads';

export default deleteHandler(deployments);
