import { statusGetHandler } from '../../../../../shared/api/handlers';
import { nodes } from '../../../../../shared/resources/nodes';

export default statusGetHandler(nodes);
