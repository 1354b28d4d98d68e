import { ephemeralPatchHandler } from '../../../../../shared/api/ephemeral';

export default ephemeralPatchHandler();
