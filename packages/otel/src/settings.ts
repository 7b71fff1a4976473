import { hostname } from 'node:os';

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
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
