// A real OTel SDK MeterProvider whose reader is collected on demand.

import {
  AggregationTemporality,
  type DataPoint,
  InstrumentType,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';

// Gauges are collected with delta temporality, as @llm-lab/otel's readers must do: with cumulative
// temporality sdk-metrics keeps re-exporting a gauge's last value after the callback stops
// observing it (open-telemetry/opentelemetry-js#4096). Gauges carry no temporality on the wire.
export function gaugeDeltaTemporality(type: InstrumentType): AggregationTemporality {
  return type === InstrumentType.OBSERVABLE_GAUGE || type === InstrumentType.GAUGE
    ? AggregationTemporality.DELTA
    : AggregationTemporality.CUMULATIVE;
}

class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: gaugeDeltaTemporality });
  }

  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface TestMeter {
  meter: ReturnType<MeterProvider['getMeter']>;
  /** Data points by metric name, from one collection. */
  collect: () => Promise<Map<string, Array<DataPoint<number>>>>;
  metrics: () => Promise<MetricData[]>;
  shutdown: () => Promise<void>;
}

export function createTestMeter(): TestMeter {
  const reader = new OnDemandReader();
  const provider = new MeterProvider({ readers: [reader] });

  const metrics = async () => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  };
  return {
    meter: provider.getMeter('test'),
    metrics,
    async collect() {
      const byName = new Map<string, Array<DataPoint<number>>>();
      for (const metric of await metrics()) {
        byName.set(metric.descriptor.name, metric.dataPoints as Array<DataPoint<number>>);
      }
      return byName;
    },
    shutdown: () => provider.shutdown(),
  };
}
