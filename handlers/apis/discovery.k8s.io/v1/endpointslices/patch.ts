import { patchHandler } from '../../../../../shared/api/handlers';
import { endpointSlices } from '../../../../../shared/resources/endpoints';

export default patchHandler(endpointSlices);
