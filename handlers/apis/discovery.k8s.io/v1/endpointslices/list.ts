import { listHandler } from '../../../../../shared/api/handlers';
import { endpointSlices } from '../../../../../shared/resources/endpoints';

export default listHandler(endpointSlices);
