import { portForwardHandler } from '../../../../../shared/api/portforward';

export default portForwardHandler('GET');
