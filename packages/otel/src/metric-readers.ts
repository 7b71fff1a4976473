import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import {
  ConsoleMetricExporter,
  type IMetricReader,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import type { MetricSettings } from './settings.ts';

/**
 * Metric readers for OTEL_METRICS_EXPORTER. The SDK's own version ignores
 * OTEL_METRIC_EXPORT_INTERVAL for `console`; the specification applies it to every
 * periodic reader, so the readers are built here.
 */
export function metricReaders(settings: MetricSettings): IMetricReader[] {
  if (settings.exporters.includes('none')) return [];

  const readers: IMetricReader[] = [];
  for (const name of new Set(settings.exporters)) {
    if (name === 'otlp') readers.push(periodic(otlpExporter(settings.protocol), settings));
    if (name === 'console') readers.push(periodic(new ConsoleMetricExporter(), settings));
    if (name === 'prometheus') {
      readers.push(
        new PrometheusExporter({ host: settings.prometheusHost, port: settings.prometheusPort }),
      );
    }
  }
  return readers;
}

function otlpExporter(protocol: string): PushMetricExporter {
  return protocol === 'http/json' ? new JsonMetricExporter() : new ProtoMetricExporter();
}

function periodic(exporter: PushMetricExporter, settings: MetricSettings) {
  return new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: settings.intervalMs,
    exportTimeoutMillis: Math.min(settings.timeoutMs, settings.intervalMs),
  });
}
