import { createHandler } from '../../../../shared/api/handlers';
import { services } from '../../../../shared/resources/services';

export default createHandler(services);
