import { updateHandler } from '../../../../shared/api/handlers';
import { endpoints } from '../../../../shared/resources/endpoints';

export default updateHandler(endpoints);
