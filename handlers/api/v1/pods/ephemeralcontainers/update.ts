import { ephemeralUpdateHandler } from '../../../../../shared/api/ephemeral';

export default ephemeralUpdateHandler();
