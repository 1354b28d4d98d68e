import { statusGetHandler } from '../../../../../../shared/api/handlers';
import { replicaSets } from '../../../../../../shared/resources/workloads';

export default statusGetHandler(replicaSets);
