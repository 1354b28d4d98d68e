import { getHandler } from '../../../../../shared/api/handlers';
import { endpointSlices } from '../../../../../shared/resources/endpoints';

export default getHandler(endpointSlices);
