import { listHandler } from '../../../../shared/api/handlers';
import { secrets } from '../../../../shared/resources/configs';

export default listHandler(secrets);
