import { getHandler } from '../../../../shared/api/handlers';
import { pods } from '../../../../shared/resources/pods';

export default getHandler(pods);
