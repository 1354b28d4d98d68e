import { deleteCollectionHandler } from '../../../../shared/api/handlers';
import { secrets } from '../../../../shared/resources/secrets';

export default deleteCollectionHandler(secrets);
