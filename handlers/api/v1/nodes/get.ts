import { getHandler } from '../../../../shared/api/handlers';
import { nodes } from '../../../../shared/resources/nodes';

export default getHandler(nodes);
