import { coreDiscoveryHandler } from '../../shared/api/system';

export default coreDiscoveryHandler();
