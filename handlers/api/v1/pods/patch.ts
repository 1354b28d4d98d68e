import { patchHandler } from '../../../../shared/api/handlers';
import { pods } from '../../../../shared/resources/pods';

export default patchHandler(pods);
