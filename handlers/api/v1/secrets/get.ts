import { getHandler } from '../../../../shared/api/handlers';
import { secrets } from '../../../../shared/resources/configs';

export default getHandler(secrets);
