import { hostname } from 'node:os';

/** Where one signal goes: OTEL_<SIGNAL>_EXPORTER and its OTLP protocol. */
export interface SignalSettings {
  readonly exporters: string[];
  readonly protocol: string;
}

/** How metrics leave the process (OTEL_METRICS_EXPORTER and friends). */
export interface MetricSettings extends SignalSettings {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly prometheusHost: string | undefined;
  readonly prometheusPort: number;
  /** OTEL_EXPORTER_OTLP_METRICS_TIMEOUT / OTEL_EXPORTER_OTLP_TIMEOUT, ms. */
  readonly otlpTimeoutMs: number;
}

/** OTEL_BSP_* / OTEL_BLRP_*: the batching of spans and log records. */
export interface BatchSettings {
  readonly maxQueueSize: number | undefined;
  readonly scheduledDelayMillis: number | undefined;
  readonly exportTimeoutMillis: number | undefined;
  readonly maxExportBatchSize: number | undefined;
}

/** The lab-specific and OpenTelemetry settings every service shares, read once. */
export interface LabSettings {
  readonly cluster: string | undefined;
  readonly environment: string | undefined;
  readonly hostName: string;
  /** LAB_HOST_NAME when set; it then wins over OTEL_RESOURCE_ATTRIBUTES. */
  readonly hostNameOverride: string | undefined;
  readonly logLevel: string;
  /** Values that were not understood and were replaced by a default, one sentence each. */
  readonly problems: string[];
  readonly otelLogLevel: string | undefined;
  readonly otlpEndpoint: string;
  readonly sdkDisabled: boolean;
  readonly serviceName: string | undefined;
  readonly metrics: MetricSettings;
  readonly traces: SignalSettings & { readonly batch: BatchSettings };
  readonly logs: SignalSettings & { readonly batch: BatchSettings };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const PROTOCOLS = ['http/protobuf', 'http/json'];

// The only place in this package that reads process.env (the OTLP exporters also read their
// own OTEL_EXPORTER_OTLP_* endpoint, header and timeout variables, as the specification says).
export function readLabSettings(env: NodeJS.ProcessEnv = process.env): LabSettings {
  // Telemetry never stops a service: a value it does not understand falls back to the
  // default, and the service logs what it replaced (see start.ts).
  const problems: string[] = [];
  let logLevel = (env.LOG_LEVEL ?? 'info').trim().toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; received ${JSON.stringify(env.LOG_LEVEL)}, using info`,
    );
    logLevel = 'info';
  }

  const protocol = (signal: string) => {
    const name = env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`]
      ? `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`
      : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    const value = nonEmpty(env[name]) ?? 'http/protobuf';
    if (PROTOCOLS.includes(value)) return value;
    problems.push(
      `${name} must be one of ${PROTOCOLS.join(', ')}; received ${JSON.stringify(value)}, using http/protobuf`,
    );
    return 'http/protobuf';
  };
  const exporters = (name: string, allowed: string[]) => {
    const values = (env[name] ?? 'otlp')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = values.filter((value) => !allowed.includes(value));
    if (unknown.length > 0) {
      problems.push(
        `${name} accepts ${allowed.join(', ')}; ignoring ${unknown.map((u) => JSON.stringify(u)).join(', ')}`,
      );
    }
    return values.filter((value) => allowed.includes(value));
  };
  const batch = (prefix: string): BatchSettings =>
    Object.freeze({
      maxQueueSize: positive(env[`${prefix}_MAX_QUEUE_SIZE`]),
      scheduledDelayMillis: positive(env[`${prefix}_SCHEDULE_DELAY`]),
      exportTimeoutMillis: positive(env[`${prefix}_EXPORT_TIMEOUT`]),
      maxExportBatchSize: positive(env[`${prefix}_MAX_EXPORT_BATCH_SIZE`]),
    });

  return Object.freeze({
    cluster: nonEmpty(env.LAB_CLUSTER),
    environment: nonEmpty(env.LAB_ENVIRONMENT),
    hostName: nonEmpty(env.LAB_HOST_NAME) ?? hostname(),
    hostNameOverride: nonEmpty(env.LAB_HOST_NAME),
    logLevel,
    problems,
    otelLogLevel: nonEmpty(env.OTEL_LOG_LEVEL),
    otlpEndpoint: nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) ?? 'http://localhost:4318',
    sdkDisabled: (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true',
    serviceName: nonEmpty(env.OTEL_SERVICE_NAME),
    metrics: Object.freeze({
      exporters: exporters('OTEL_METRICS_EXPORTER', ['otlp', 'console', 'prometheus', 'none']),
      protocol: protocol('METRICS'),
      intervalMs: positive(env.OTEL_METRIC_EXPORT_INTERVAL) ?? 60_000,
      timeoutMs: positive(env.OTEL_METRIC_EXPORT_TIMEOUT) ?? 30_000,
      prometheusHost: nonEmpty(env.OTEL_EXPORTER_PROMETHEUS_HOST),
      prometheusPort: positive(env.OTEL_EXPORTER_PROMETHEUS_PORT) ?? 9464,
      otlpTimeoutMs:
        positive(env.OTEL_EXPORTER_OTLP_METRICS_TIMEOUT) ??
        positive(env.OTEL_EXPORTER_OTLP_TIMEOUT) ??
        10_000,
    }),
    traces: Object.freeze({
      exporters: exporters('OTEL_TRACES_EXPORTER', ['otlp', 'console', 'none']),
      protocol: protocol('TRACES'),
      batch: batch('OTEL_BSP'),
    }),
    logs: Object.freeze({
      exporters: exporters('OTEL_LOGS_EXPORTER', ['otlp', 'console', 'none']),
      protocol: protocol('LOGS'),
      batch: batch('OTEL_BLRP'),
    }),
  });
}

function positive(value: string | undefined): number | undefined {
  const number = Number(value);
  return value && Number.isFinite(number) && number > 0 ? number : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
