import { diagnosticsHandler } from '../../../shared/api/system';

export default diagnosticsHandler();
