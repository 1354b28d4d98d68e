import { statusUpdateHandler } from '../../../../../shared/api/handlers';
import { namespaces } from '../../../../../shared/resources/namespaces';

export default statusUpdateHandler(namespaces);
