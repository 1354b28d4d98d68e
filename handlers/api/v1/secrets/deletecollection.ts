import { deleteCollectionHandler } from '../../../../shared/api/handlers';
import { secrets } from '../../../../shared/resources/configs';

export default deleteCollectionHandler(secrets);
