import { scalePatchHandler } from '../../../../../../shared/api/handlers';
import { deployments } from '../../../../../../shared/resources/workloads';

export default scalePatchHandler(deployments);
