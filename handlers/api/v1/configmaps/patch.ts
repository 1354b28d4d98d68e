import { patchHandler } from '../../../../shared/api/handlers';
import { configMaps } from '../../../../shared/resources/configs';

export default patchHandler(configMaps);
