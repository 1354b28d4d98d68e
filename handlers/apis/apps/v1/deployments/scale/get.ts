import { scaleGetHandler } from '../../../../../../shared/api/handlers';
import { deployments } from '../../../../../../shared/resources/workloads';

export default scaleGetHandler(deployments);
