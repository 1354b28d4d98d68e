import { deleteCollectionHandler } from '../../../../shared/api/handlers';
import { services } from '../../../../shared/resources/services';

export default deleteCollectionHandler(services);
