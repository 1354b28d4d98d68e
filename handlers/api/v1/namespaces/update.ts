import { updateHandler } from '../../../../shared/api/handlers';
import { namespaces } from '../../../../shared/resources/namespaces';

export default updateHandler(namespaces);
