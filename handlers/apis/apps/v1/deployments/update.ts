import { updateHandler } from '../../../../../shared/api/handlers';
import { deployments } from '../../../../../shared/resources/workloads';

export default updateHandler(deployments);
