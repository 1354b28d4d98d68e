import { scaleUpdateHandler } from '../../../../../../shared/api/handlers';
import { deployments } from '../../../../../../shared/resources/workloads';

export default scaleUpdateHandler(deployments);
