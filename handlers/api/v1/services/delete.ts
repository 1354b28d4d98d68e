import { deleteHandler } from '../../../../shared/api/handlers';
import { services } from '../../../../shared/resources/services';

export default deleteHandler(services);
