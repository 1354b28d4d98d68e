import { getHandler } from '../../../../shared/api/handlers';
import { events } from '../../../../shared/resources/events';

export default getHandler(events);
