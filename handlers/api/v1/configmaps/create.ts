import { createHandler } from '../../../../shared/api/handlers';
import { configMaps } from '../../../../shared/resources/configs';

export default createHandler(configMaps);
