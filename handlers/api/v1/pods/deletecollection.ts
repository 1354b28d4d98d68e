import { deleteCollectionHandler } from '../../../../shared/api/handlers';
import { pods } from '../../../../shared/resources/pods';

export default deleteCollectionHandler(pods);
