export { prometheusMetrics, PrometheusMetrics } from './prometheus-metrics.js';
export type { PrometheusMetricsOptions } from './options.js';
export type { InstrumentOptions } from './instrumented-queue.js';
export { COUNTERS, GAUGES, HISTOGRAMS, LISTENER_ERRORS, DURATION_BUCKETS, ATTEMPT_BUCKETS, allFamilyNames } from './catalog.js';
