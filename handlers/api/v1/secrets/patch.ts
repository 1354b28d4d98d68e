import { patchHandler } from '../../../../shared/api/handlers';
import { secrets } from '../../../../shared/resources/secrets';

export default patchHandler(secrets);
