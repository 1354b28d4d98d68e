import { deleteHandler } from '../../../../shared/api/handlers';
import { configMaps } from '../../../../shared/resources/configs';

export default deleteHandler(configMaps);
