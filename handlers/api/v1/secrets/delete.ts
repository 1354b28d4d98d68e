import { deleteHandler } from '../../../../shared/api/handlers';
import { secrets } from '../../../../shared/resources/configs';

export default deleteHandler(secrets);
