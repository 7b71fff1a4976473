import { createRequire } from 'node:module';
import { context, logs, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import type { Resource } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  ConsoleLogRecordExporter,
  LoggerProvider,
  type LogRecordExporter,
  type LogRecordProcessor,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { metricReaders } from './metric-readers.ts';
import type { BatchSettings, LabSettings, SignalSettings } from './settings.ts';

// Exporters are loaded only when chosen (see metric-readers.ts).
const require = createRequire(import.meta.url);

export interface Pipelines {
  shutdown(): Promise<void>;
}

/**
 * Registers the global tracer, meter and logger providers as OTEL_TRACES_EXPORTER,
 * OTEL_METRICS_EXPORTER and OTEL_LOGS_EXPORTER ask, plus W3C trace context propagation.
 */
export function startPipelines(
  settings: LabSettings,
  resource: Resource,
  instrumentations: () => Instrumentation[],
): Pipelines {
  if (settings.sdkDisabled) return { shutdown: async () => {} };

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );

  const stoppable: Array<{ shutdown(): Promise<void> }> = [];
  const readers = metricReaders(settings.metrics);
  const meterProvider = readers.length > 0 ? new MeterProvider({ resource, readers }) : undefined;
  if (meterProvider) {
    metrics.setGlobalMeterProvider(meterProvider);
    stoppable.push(meterProvider);
  }

  const spanProcessors = spanProcessorsFor(settings.traces);
  if (spanProcessors.length > 0) {
    const tracerProvider = new TracerProvider({ resource, spanProcessors });
    trace.setGlobalTracerProvider(tracerProvider);
    stoppable.push(tracerProvider);
  }

  const logProcessors = logProcessorsFor(settings.logs);
  if (logProcessors.length > 0) {
    const loggerProvider = new LoggerProvider({ resource, processors: logProcessors });
    logs.setGlobalLoggerProvider(loggerProvider);
    stoppable.push(loggerProvider);
  }

  registerInstrumentations({ instrumentations: instrumentations() });
  return {
    async shutdown() {
      await Promise.all(stoppable.map((provider) => provider.shutdown()));
    },
  };
}

function spanProcessorsFor(signal: SignalSettings & { batch: BatchSettings }): SpanProcessor[] {
  if (signal.exporters.includes('none')) return [];

  const processors: SpanProcessor[] = [];
  for (const name of new Set(signal.exporters)) {
    if (name === 'otlp') {
      const module =
        signal.protocol === 'http/json'
          ? require('@opentelemetry/exporter-trace-otlp-http')
          : require('@opentelemetry/exporter-trace-otlp-proto');
      const exporter: SpanExporter = new module.OTLPTraceExporter();
      processors.push(new BatchSpanProcessor({ exporter, ...defined(signal.batch) }));
    }
    if (name === 'console')
      processors.push(new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() }));
  }
  return processors;
}

function logProcessorsFor(signal: SignalSettings & { batch: BatchSettings }): LogRecordProcessor[] {
  if (signal.exporters.includes('none')) return [];

  const processors: LogRecordProcessor[] = [];
  for (const name of new Set(signal.exporters)) {
    if (name === 'otlp') {
      const module =
        signal.protocol === 'http/json'
          ? require('@opentelemetry/exporter-logs-otlp-http')
          : require('@opentelemetry/exporter-logs-otlp-proto');
      const exporter: LogRecordExporter = new module.OTLPLogExporter();
      processors.push(new BatchLogRecordProcessor({ exporter, ...defined(signal.batch) }));
    }
    if (name === 'console')
      processors.push(new SimpleLogRecordProcessor({ exporter: new ConsoleLogRecordExporter() }));
  }
  return processors;
}

function defined(batch: BatchSettings): Partial<BatchSettings> {
  return Object.fromEntries(Object.entries(batch).filter(([, value]) => value !== undefined));
}
