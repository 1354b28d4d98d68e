import { attachHandler } from '../../../../../shared/api/exec';

export default attachHandler('POST');
