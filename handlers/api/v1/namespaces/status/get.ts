import { statusGetHandler } from '../../../../../shared/api/handlers';
import { namespaces } from '../../../../../shared/resources/namespaces';

export default statusGetHandler(namespaces);
