import { listHandler } from '../../../../shared/api/handlers';
import { configMaps } from '../../../../shared/resources/configs';

export default listHandler(configMaps);
