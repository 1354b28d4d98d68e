import { createHandler } from '../../../../shared/api/handlers';
import { namespaces } from '../../../../shared/resources/namespaces';

export default createHandler(namespaces);
