import { updateHandler } from '../../../../../shared/api/handlers';
import { endpointSlices } from '../../../../../shared/resources/endpoints';

export default updateHandler(endpointSlices);
