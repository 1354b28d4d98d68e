import { updateHandler } from '../../../../../shared/api/handlers';
import { replicaSets } from '../../../../../shared/resources/workloads';

export default updateHandler(replicaSets);
