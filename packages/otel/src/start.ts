import { createRequire } from 'node:module';
import { DiagLogLevel, diag, type Meter, metrics, type Tracer, trace } from '@opentelemetry/api';
import { diagLogLevelFromString, setGlobalErrorHandler } from '@opentelemetry/core';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { DestinationStream, Logger } from 'pino';
import { createDiagLogger } from './diag-logger.ts';
import { createExportFailureReporter } from './export-failures.ts';
import { createLogger } from './logger.ts';
import { startPipelines } from './pipelines.ts';
import { labResource } from './resource.ts';
import { readLabSettings } from './settings.ts';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /** Per-service defaults; LAB_* variables and OTEL_RESOURCE_ATTRIBUTES override them. */
  defaults?: { cluster?: string; environment?: string };
  /** Which automatic instrumentations to enable; all are on by default. */
  instrument?: { http?: boolean; undici?: boolean; fastify?: boolean };
  /** Where JSON log lines go; stdout by default. */
  logDestination?: DestinationStream;
  /** Upper bound for shutdown(); default 5 s. */
  shutdownTimeoutMs?: number;
  /** For tests: the platform used to explain export failures. */
  platform?: NodeJS.Platform;
}

export interface Telemetry {
  readonly logger: Logger;
  readonly tracer: Tracer;
  readonly meter: Meter;
  /** Flushes and stops every exporter; bounded in time, never rejects. */
  shutdown(): Promise<void>;
}

let current: Telemetry | undefined;

/**
 * Starts OpenTelemetry traces, metrics and logs for this process, configured by the standard
 * OTEL_* variables and the lab's LAB_* variables. A second call returns the running instance.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (current) return current;

  const settings = readLabSettings();
  const serviceName = settings.serviceName ?? options.serviceName;
  const stdoutLogger = createLogger({
    serviceName,
    level: settings.logLevel,
    bridgeToOtel: false,
    // Its lines are about the exporters, not about the request that happened to be active.
    traceFields: false,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const reportFailure = createExportFailureReporter({
    logger: stdoutLogger,
    endpoint: settings.otlpEndpoint,
    ...(options.platform ? { platform: options.platform } : {}),
  });

  const resource = labResource(options, settings);
  const pipelines = startPipelines(settings, resource, () =>
    instrumentations(options.instrument ?? {}),
  );

  // Export failures must never reach the console raw or stop the service.
  setGlobalErrorHandler(reportFailure);
  diag.setLogger(createDiagLogger(stdoutLogger, reportFailure), {
    logLevel: diagLogLevelFromString(settings.otelLogLevel) ?? DiagLogLevel.WARN,
    suppressOverrideMessage: true,
  });

  const logger = createLogger({
    serviceName,
    level: settings.logLevel,
    bridgeToOtel: !settings.sdkDisabled,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  for (const problem of settings.problems) logger.warn({ setting: problem.split(' ')[0] }, problem);
  const timeoutMs = options.shutdownTimeoutMs ?? 5_000;
  let stopping: Promise<void> | undefined;

  current = Object.freeze({
    logger,
    tracer: trace.getTracer(serviceName, options.serviceVersion),
    meter: metrics.getMeter(serviceName, options.serviceVersion),
    shutdown() {
      stopping ??= boundedShutdown(() => pipelines.shutdown(), timeoutMs, stdoutLogger);
      return stopping;
    },
  });
  return current;
}

/** The telemetry started in this process, if any (for code loaded after `--import register`). */
export function getTelemetry(): Telemetry | undefined {
  return current;
}

// Loaded only when enabled: a power exporter has no HTTP server and should not pay for one.
const require = createRequire(import.meta.url);

function instrumentations(enabled: NonNullable<TelemetryOptions['instrument']>): Instrumentation[] {
  const list: Instrumentation[] = [];
  if (enabled.http !== false) {
    list.push(new (require('@opentelemetry/instrumentation-http').HttpInstrumentation)());
  }
  if (enabled.undici !== false) {
    list.push(new (require('@opentelemetry/instrumentation-undici').UndiciInstrumentation)());
  }
  if (enabled.fastify !== false) {
    const { FastifyOtelInstrumentation } = require('@fastify/otel');
    list.push(new FastifyOtelInstrumentation({ registerOnInitialization: true }));
  }
  return list;
}

async function boundedShutdown(stop: () => Promise<void>, timeoutMs: number, logger: Logger) {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });

  try {
    const outcome = await Promise.race([stop().then(() => 'done' as const), timedOut]);
    if (outcome === 'timeout') {
      logger.warn({ timeoutMs }, 'telemetry shutdown timed out; unsent telemetry was dropped');
    }
  } catch (err) {
    logger.warn({ err }, 'telemetry shutdown failed; unsent telemetry was dropped');
  } finally {
    clearTimeout(timer);
  }
}
