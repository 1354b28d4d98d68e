import { metricsGetHandler } from '../../../../../shared/api/metrics';
import { nodeMetrics } from '../../../../../shared/resources/metrics';

export default metricsGetHandler(nodeMetrics);
