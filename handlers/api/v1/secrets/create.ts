import { createHandler } from '../../../../shared/api/handlers';
import { secrets } from '../../../../shared/resources/secrets';

export default createHandler(secrets);
