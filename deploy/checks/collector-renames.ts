// Names the pinned collector (otelcol-contrib v0.159.0) removed or renamed. Old aliases still load
// with a warning, removed ones fail at start-up or, worse, are ignored without a word.

export const pinnedCollectorVersion = '0.159.0';

export interface RenamedType {
  readonly kind: 'receivers' | 'processors' | 'exporters' | 'extensions';
  readonly type: string;
  readonly replacement: string;
  readonly since: string;
}

export const renamedTypes: readonly RenamedType[] = [
  { kind: 'exporters', type: 'logging', replacement: 'debug', since: 'removed in v0.111' },
  { kind: 'exporters', type: 'otlp', replacement: 'otlp_grpc', since: 'renamed in v0.144' },
  { kind: 'exporters', type: 'otlphttp', replacement: 'otlp_http', since: 'renamed in v0.144' },
  {
    kind: 'extensions',
    type: 'memory_ballast',
    replacement: 'no extension: set GOMEMLIMIT to about 80% of the memory_limiter limit',
    since: 'removed in v0.109',
  },
  {
    kind: 'processors',
    type: 'resourcedetection',
    replacement: 'resource_detection',
    since: 'renamed in v0.153',
  },
  {
    kind: 'processors',
    type: 'cumulativetodelta',
    replacement: 'cumulative_to_delta',
    since: 'renamed in v0.157',
  },
  {
    kind: 'processors',
    type: 'deltatocumulative',
    replacement: 'delta_to_cumulative',
    since: 'renamed in v0.159',
  },
  { kind: 'processors', type: 'k8sattributes', replacement: 'k8s_attributes', since: '2026' },
  { kind: 'receivers', type: 'hostmetrics', replacement: 'host_metrics', since: '2026' },
  { kind: 'receivers', type: 'kubeletstats', replacement: 'kubelet_stats', since: '2026' },
  { kind: 'receivers', type: 'filelog', replacement: 'file_log', since: '2026' },
];

export interface RemovedKey {
  /** Component type the key belongs to; '*' for any component of that kind. */
  readonly type: string;
  readonly kind: 'receivers' | 'processors' | 'exporters' | 'extensions';
  readonly key: string;
  readonly fix: string;
}

export const removedKeys: readonly RemovedKey[] = [
  {
    kind: 'exporters',
    type: 'signalfx',
    key: 'translation_rules',
    fix: 'remove it (removed in 2024 and silently ignored); use the transform, filter or cumulative_to_delta processors',
  },
  {
    kind: 'exporters',
    type: '*',
    key: 'insecure_skip_verify',
    fix: 'move it under tls: (tls: {insecure_skip_verify: true}); at the top level it is no longer read',
  },
  {
    kind: 'exporters',
    type: 'splunk_hec',
    key: 'max_connections',
    fix: 'use max_idle_conns',
  },
  {
    kind: 'exporters',
    type: 'splunk_hec',
    key: 'hec_metadata_to_otel_attrs',
    fix: 'rename it otel_attrs_to_hec_metadata (deprecated since v0.113)',
  },
  {
    kind: 'exporters',
    type: '*',
    key: 'batcher',
    fix: 'use sending_queue.batch, or keep the batch processor last in the pipeline',
  },
  {
    kind: 'processors',
    type: 'memory_limiter',
    key: 'ballast_size_mib',
    fix: 'remove it (ballast is gone since v0.106); set GOMEMLIMIT instead',
  },
  {
    kind: 'extensions',
    type: 'health_check',
    key: 'check_collector_pipeline',
    fix: 'remove it; the extension documents it as not working',
  },
];
