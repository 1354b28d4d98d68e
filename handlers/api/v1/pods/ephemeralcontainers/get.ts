import { ephemeralGetHandler } from '../../../../../shared/api/ephemeral';

export default ephemeralGetHandler();
