import { createHandler } from '../../../../shared/api/handlers';
import { events } from '../../../../shared/resources/events';

export default createHandler(events);
