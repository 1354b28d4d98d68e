import { listHandler } from '../../../../shared/api/handlers';
import { namespaces } from '../../../../shared/resources/namespaces';

export default listHandler(namespaces);
