import { listHandler } from '../../../../shared/api/handlers';
import { endpoints } from '../../../../shared/resources/endpoints';

export default listHandler(endpoints);
