import { statusGetHandler } from '../../../../../shared/api/handlers';
import { services } from '../../../../../shared/resources/services';

export default statusGetHandler(services);
