import { patchHandler } from '../../../../shared/api/handlers';
import { events } from '../../../../shared/resources/events';

export default patchHandler(events);
