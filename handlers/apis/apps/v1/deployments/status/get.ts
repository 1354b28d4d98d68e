import { statusGetHandler } from '../../../../../../shared/api/handlers';
import { deployments } from '../../../../../../shared/resources/workloads';

export default statusGetHandler(deployments);
