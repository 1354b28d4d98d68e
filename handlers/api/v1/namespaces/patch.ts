import { patchHandler } from '../../../../shared/api/handlers';
import { namespaces } from '../../../../shared/resources/namespaces';

export default patchHandler(namespaces);
