import { deleteHandler } from '../../../../shared/api/handlers';
import { pods } from '../../../../shared/resources/pods';

export default deleteHandler(pods);
