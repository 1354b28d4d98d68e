import { patchHandler } from '../../../../shared/api/handlers';
import { secrets } from '../../../../shared/resources/configs';

export default patchHandler(secrets);
