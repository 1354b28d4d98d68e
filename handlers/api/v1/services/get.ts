import { getHandler } from '../../../../shared/api/handlers';
import { services } from '../../../../shared/resources/services';

export default getHandler(services);
