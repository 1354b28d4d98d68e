import { deleteHandler } from '../../../../shared/api/handlers';
import { events } from '../../../../shared/resources/events';

export default deleteHandler(events);
