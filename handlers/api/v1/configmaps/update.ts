import { updateHandler } from '../../../../shared/api/handlers';
import { configMaps } from '../../../../shared/resources/configmaps';

export default updateHandler(configMaps);
