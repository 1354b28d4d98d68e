import { updateHandler } from '../../../../shared/api/handlers';
import { secrets } from '../../../../shared/resources/configs';

export default updateHandler(secrets);
