import { openApiV3Handler } from '../../shared/api/system';

export default openApiV3Handler();
