import { kubeconfigHandler } from '../../shared/api/system';

export default kubeconfigHandler();
