import { deleteHandler } from '../../../../shared/api/handlers';
import { endpoints } from '../../../../shared/resources/endpoints';

export default deleteHandler(endpoints);
