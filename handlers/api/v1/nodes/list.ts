import { listHandler } from '../../../../shared/api/handlers';
import { nodes } from '../../../../shared/resources/nodes';

export default listHandler(nodes);
