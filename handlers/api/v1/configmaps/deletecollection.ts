import { deleteCollectionHandler } from '../../../../shared/api/handlers';
import { configMaps } from '../../../../shared/resources/configs';

export default deleteCollectionHandler(configMaps);
