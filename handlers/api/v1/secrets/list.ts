import { listHandler } from '../../../../shared/api/handlers';
import { secrets } from '../../../../shared/resources/secrets';

export default listHandler(secrets);
