import { patchHandler } from '../../../../shared/api/handlers';
import { services } from '../../../../shared/resources/services';

export default patchHandler(services);
