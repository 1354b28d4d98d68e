import { groupsDiscoveryHandler } from '../../shared/api/system';

export default groupsDiscoveryHandler();
