import { updateHandler } from '../../../../shared/api/handlers';
import { events } from '../../../../shared/resources/events';

export default updateHandler(events);
