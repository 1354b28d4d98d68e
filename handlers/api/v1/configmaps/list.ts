import { listHandler } from '../../../../shared/api/handlers';
import { configMaps } from '../../../../shared/resources/configmaps';

export default listHandler(configMaps);
