import { deleteCollectionHandler } from '../../../../../shared/api/handlers';
import { replicaSets } from '../../../../../shared/resources/workloads';

export default deleteCollectionHandler(replicaSets);
