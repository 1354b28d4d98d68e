import { getHandler } from '../../../../shared/api/handlers';
import { configMaps } from '../../../../shared/resources/configmaps';

export default getHandler(configMaps);
