import { createHandler } from '../../../../shared/api/handlers';
import { pods } from '../../../../shared/resources/pods';

export default createHandler(pods);
