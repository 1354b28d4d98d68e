import { logHandler } from '../../../../shared/api/logs';

export default logHandler();
