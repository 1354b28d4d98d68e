import { statusUpdateHandler } from '../../../../../shared/api/handlers';
import { services } from '../../../../../shared/resources/services';

export default statusUpdateHandler(services);
