import { updateHandler } from '../../../../shared/api/handlers';
import { pods } from '../../../../shared/resources/pods';

export default updateHandler(pods);
