import { statusPatchHandler } from '../../../../../shared/api/handlers';
import { namespaces } from '../../../../../shared/resources/namespaces';

export default statusPatchHandler(namespaces);
