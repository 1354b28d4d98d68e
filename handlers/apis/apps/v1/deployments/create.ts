import { createHandler } from '../../../../../shared/api/handlers';
import { deployments } from '../../../../../shared/resources/workloads';

export default createHandler(deployments);
