import { createRequire } from 'node:module';
import {
  AggregationTemporality,
  ConsoleMetricExporter,
  type IMetricReader,
  InstrumentType,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import type { MetricSettings } from './settings.ts';

// Exporters are loaded only when chosen: each one costs megabytes of resident memory, and the
// exporters run for months on machines doing inference.
const require = createRequire(import.meta.url);

/**
 * Metric readers for OTEL_METRICS_EXPORTER. The SDK's own version ignores
 * OTEL_METRIC_EXPORT_INTERVAL for `console`; the specification applies it to every
 * periodic reader, so the readers are built here.
 */
export function metricReaders(settings: MetricSettings): IMetricReader[] {
  if (settings.exporters.includes('none')) return [];

  const readers: IMetricReader[] = [];
  for (const name of new Set(settings.exporters)) {
    if (name === 'otlp') readers.push(periodic(freshGauges(otlpExporter(settings)), settings));
    if (name === 'console') readers.push(periodic(new ConsoleMetricExporter(), settings));
    if (name === 'prometheus') {
      const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
      readers.push(
        new PrometheusExporter({ host: settings.prometheusHost, port: settings.prometheusPort }),
      );
    }
  }
  return readers;
}

// The exporter gives up (with its own reason, ECONNREFUSED or the HTTP status) before the
// reader's timeout would replace that reason with a bare "export timed out".
function otlpExporter(settings: MetricSettings): PushMetricExporter {
  const module =
    settings.protocol === 'http/json'
      ? require('@opentelemetry/exporter-metrics-otlp-http')
      : require('@opentelemetry/exporter-metrics-otlp-proto');
  const readerTimeoutMs = Math.min(settings.timeoutMs, settings.intervalMs);
  return new module.OTLPMetricExporter({
    timeoutMillis: Math.max(1, Math.min(settings.otlpTimeoutMs, Math.floor(readerTimeoutMs * 0.9))),
  });
}

const GAUGES = new Set([InstrumentType.GAUGE, InstrumentType.OBSERVABLE_GAUGE]);

/**
 * Gauges exported with delta temporality: under cumulative temporality the JS SDK keeps
 * re-sending the last value of a gauge series nobody observes any more
 * (opentelemetry-js #4096), and the lab's contract is that a stale reading sends nothing.
 * Gauges carry no temporality on the wire, so receivers see no difference otherwise.
 */
function freshGauges(exporter: PushMetricExporter): PushMetricExporter {
  const select = exporter.selectAggregationTemporality?.bind(exporter);
  return {
    export: (metrics, done) => exporter.export(metrics, done),
    forceFlush: () => exporter.forceFlush(),
    shutdown: () => exporter.shutdown(),
    selectAggregationTemporality: (type) =>
      GAUGES.has(type)
        ? AggregationTemporality.DELTA
        : (select?.(type) ?? AggregationTemporality.CUMULATIVE),
    ...(exporter.selectAggregation
      ? { selectAggregation: exporter.selectAggregation.bind(exporter) }
      : {}),
  };
}

function periodic(exporter: PushMetricExporter, settings: MetricSettings) {
  return new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: settings.intervalMs,
    exportTimeoutMillis: Math.min(settings.timeoutMs, settings.intervalMs),
  });
}
