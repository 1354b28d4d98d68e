import { listHandler } from '../../../../../shared/api/handlers';
import { deployments } from '../../../../../shared/resources/workloads';

export default listHandler(deployments);
