import { statusPatchHandler } from '../../../../../../shared/api/handlers';
import { deployments } from '../../../../../../shared/resources/workloads';

export default statusPatchHandler(deployments);
