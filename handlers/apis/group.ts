import { groupResourcesHandler } from '../../shared/api/system';

export default groupResourcesHandler();
