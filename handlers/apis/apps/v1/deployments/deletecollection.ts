import { deleteCollectionHandler } from '../../../../../shared/api/handlers';
import { deployments } from '../../../../../shared/resources/workloads';

export default deleteCollectionHandler(deployments);
