import { updateHandler } from '../../../../shared/api/handlers';
import { services } from '../../../../shared/resources/services';

export default updateHandler(services);
