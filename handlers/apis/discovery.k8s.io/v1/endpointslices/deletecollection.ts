import { deleteCollectionHandler } from '../../../../../shared/api/handlers';
import { endpointSlices } from '../../../../../shared/resources/endpoints';

export default deleteCollectionHandler(endpointSlices);
