import { execHandler } from '../../../../../shared/api/exec';

export default execHandler('POST');
