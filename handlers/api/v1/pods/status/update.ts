import { statusUpdateHandler } from '../../../../../shared/api/handlers';
import { pods } from '../../../../../shared/resources/pods';

export default statusUpdateHandler(pods);
