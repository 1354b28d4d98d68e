import { getHandler } from '../../../../shared/api/handlers';
import { endpoints } from '../../../../shared/resources/endpoints';

export default getHandler(endpoints);
