import { deleteCollectionHandler } from '../../../../shared/api/handlers';
import { events } from '../../../../shared/resources/events';

export default deleteCollectionHandler(events);
