import { deleteCollectionHandler } from '../../../../shared/api/handlers';
import { endpoints } from '../../../../shared/resources/endpoints';

export default deleteCollectionHandler(endpoints);
