import { updateHandler } from '../../../../shared/api/handlers';
import { secrets } from '../../../../shared/resources/secrets';

export default updateHandler(secrets);
