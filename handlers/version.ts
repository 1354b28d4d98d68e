import { versionHandler } from '../shared/api/system';

export default versionHandler();
