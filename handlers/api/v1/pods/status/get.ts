import { statusGetHandler } from '../../../../../shared/api/handlers';
import { pods } from '../../../../../shared/resources/pods';

export default statusGetHandler(pods);
