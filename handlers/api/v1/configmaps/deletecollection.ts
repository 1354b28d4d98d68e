import { deleteCollectionHandler } from '../../../../shared/api/handlers';
import { configMaps } from '../../../../shared/resources/configmaps';

export default deleteCollectionHandler(configMaps);
