import { deleteHandler } from '../../../../shared/api/handlers';
import { configMaps } from '../../../../shared/resources/configmaps';

export default deleteHandler(configMaps);
