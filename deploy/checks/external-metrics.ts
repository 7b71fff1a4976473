// The one hand-kept exception in these checks: metric names emitted by software that is not ours, so
// there is no metric-names.ts to import. Every other name comes from services/*/src/metric-names.ts.

/**
 * LiteLLM's OTel callback with LITELLM_OTEL_INTEGRATION_ENABLE_METRICS=true (all histograms; the
 * same six in its v1 and v2 OTel integrations). Recheck when the LiteLLM image tag changes.
 */
export const litellmMetricNames: readonly string[] = [
  'gen_ai.client.operation.duration',
  'gen_ai.client.token.usage',
  'gen_ai.client.token.cost',
  'gen_ai.client.response.time_to_first_token',
  'gen_ai.client.response.time_per_output_token',
  'gen_ai.client.response.duration',
];

/**
 * The collector's own metrics on :8888 (readers syntax with without_type_suffix/without_units, so
 * no `_total`), as otelcol-contrib v0.159.0 names them at level normal.
 */
export const collectorMetricNames: readonly string[] = [
  'otelcol_exporter_sent_metric_points',
  'otelcol_exporter_send_failed_metric_points',
  'otelcol_exporter_sent_spans',
  'otelcol_exporter_send_failed_spans',
  'otelcol_exporter_sent_log_records',
  'otelcol_exporter_send_failed_log_records',
  'otelcol_exporter_enqueue_failed_metric_points',
  'otelcol_exporter_enqueue_failed_spans',
  'otelcol_exporter_enqueue_failed_log_records',
  'otelcol_exporter_queue_size',
  'otelcol_exporter_queue_capacity',
  'otelcol_receiver_accepted_metric_points',
  'otelcol_receiver_refused_metric_points',
  'otelcol_receiver_accepted_spans',
  'otelcol_receiver_refused_spans',
  'otelcol_processor_incoming_items',
  'otelcol_processor_outgoing_items',
];

/** Splunk Observability Cloud's own organisation metrics, charted to see silently dropped series. */
export const o11yOrgMetricNames: readonly string[] = [
  'sf.org.numLimitedMetricTimeSeriesCreateCalls',
  'sf.org.numDatapointsDroppedExceededQuota',
  'sf.org.numCustomMetrics',
  'sf.org.limit.customMetricTimeSeries',
  'sf.org.numActiveTimeSeries',
  'sf.org.limit.activeTimeSeries',
];
