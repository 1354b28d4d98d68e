import { deleteHandler } from '../../../../shared/api/handlers';
import { namespaces } from '../../../../shared/resources/namespaces';

export default deleteHandler(namespaces);
