import { healthHandler } from '../shared/api/system';

export default healthHandler();
