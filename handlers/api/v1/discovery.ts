import { coreResourcesHandler } from '../../../shared/api/system';

export default coreResourcesHandler();
