import { openApiV2Handler } from '../../shared/api/system';

export default openApiV2Handler();
