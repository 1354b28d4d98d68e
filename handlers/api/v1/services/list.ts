import { listHandler } from '../../../../shared/api/handlers';
import { services } from '../../../../shared/resources/services';

export default listHandler(services);
