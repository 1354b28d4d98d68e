import { metricsListHandler } from '../../../../../shared/api/metrics';
import { podMetrics } from '../../../../../shared/resources/metrics';

export default metricsListHandler(podMetrics);
