import { metricsListHandler } from '../../../../../shared/api/metrics';
import { nodeMetrics } from '../../../../../shared/resources/metrics';

export default metricsListHandler(nodeMetrics);
