import { listHandler } from '../../../../shared/api/handlers';
import { events } from '../../../../shared/resources/events';

export default listHandler(events);
