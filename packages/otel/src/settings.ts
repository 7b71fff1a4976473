import { hostname } from 'node:os';

/** How metrics leave the process (OTEL_METRICS_EXPORTER and friends). */
export interface MetricSettings {
  readonly exporters: string[];
  readonly protocol: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly prometheusHost: string | undefined;
  readonly prometheusPort: number;
}

/** The lab-specific settings every service shares, read once from the environment. */
export interface LabSettings {
  readonly cluster: string | undefined;
  readonly environment: string | undefined;
  readonly hostName: string;
  /** LAB_HOST_NAME when set; it then wins over OTEL_RESOURCE_ATTRIBUTES. */
  readonly hostNameOverride: string | undefined;
  readonly logLevel: string;
  readonly otelLogLevel: string | undefined;
  readonly otlpEndpoint: string;
  readonly sdkDisabled: boolean;
  readonly serviceName: string | undefined;
  readonly metrics: MetricSettings;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

// The only place in this package that reads process.env.
export function readLabSettings(env: NodeJS.ProcessEnv = process.env): LabSettings {
  const logLevel = (env.LOG_LEVEL ?? 'info').trim().toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; received ${JSON.stringify(env.LOG_LEVEL)}`,
    );
  }

  return Object.freeze({
    cluster: nonEmpty(env.LAB_CLUSTER),
    environment: nonEmpty(env.LAB_ENVIRONMENT),
    hostName: nonEmpty(env.LAB_HOST_NAME) ?? hostname(),
    hostNameOverride: nonEmpty(env.LAB_HOST_NAME),
    logLevel,
    otelLogLevel: nonEmpty(env.OTEL_LOG_LEVEL),
    otlpEndpoint: nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) ?? 'http://localhost:4318',
    sdkDisabled: (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true',
    serviceName: nonEmpty(env.OTEL_SERVICE_NAME),
    metrics: Object.freeze({
      exporters: (env.OTEL_METRICS_EXPORTER ?? 'otlp')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      protocol:
        nonEmpty(env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL) ??
        nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL) ??
        'http/protobuf',
      intervalMs: positive(env.OTEL_METRIC_EXPORT_INTERVAL) ?? 60_000,
      timeoutMs: positive(env.OTEL_METRIC_EXPORT_TIMEOUT) ?? 30_000,
      prometheusHost: nonEmpty(env.OTEL_EXPORTER_PROMETHEUS_HOST),
      prometheusPort: positive(env.OTEL_EXPORTER_PROMETHEUS_PORT) ?? 9464,
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
