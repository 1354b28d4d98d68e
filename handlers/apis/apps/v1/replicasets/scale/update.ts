import { scaleUpdateHandler } from '../../../../../../shared/api/handlers';
import { replicaSets } from '../../../../../../shared/resources/workloads';

export default scaleUpdateHandler(replicaSets);
