import { statusPatchHandler } from '../../../../../shared/api/handlers';
import { pods } from '../../../../../shared/resources/pods';

export default statusPatchHandler(pods);
