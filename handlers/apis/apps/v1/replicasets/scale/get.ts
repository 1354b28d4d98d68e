import { scaleGetHandler } from '../../../../../../shared/api/handlers';
import { replicaSets } from '../../../../../../shared/resources/workloads';

export default scaleGetHandler(replicaSets);
