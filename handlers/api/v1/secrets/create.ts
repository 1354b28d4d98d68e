import { createHandler } from '../../../../shared/api/handlers';
import { secrets } from '../../../../shared/resources/configs';

export default createHandler(secrets);
