import { listHandler } from '../../../../shared/api/handlers';
import { pods } from '../../../../shared/resources/pods';

export default listHandler(pods);
