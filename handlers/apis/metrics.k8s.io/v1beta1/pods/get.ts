import { metricsGetHandler } from '../../../../../shared/api/metrics';
import { podMetrics } from '../../../../../shared/resources/metrics';

export default metricsGetHandler(podMetrics);
