import { statusUpdateHandler } from '../../../../../../shared/api/handlers';
import { deployments } from '../../../../../../shared/resources/workloads';

export default statusUpdateHandler(deployments);
