import { statusPatchHandler } from '../../../../../shared/api/handlers';
import { services } from '../../../../../shared/resources/services';

export default statusPatchHandler(services);
