import {
  type ExoSimulator,
  type ExoSimulatorOptions,
  startExoSimulator,
} from '@llm-lab/testkit/exo-sim';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { parseConfig, type RouterConfig } from '../../src/config.ts';

// What both test harnesses stand on: a fast EXO simulator, a router config pointing at it, and
// real OTel SDK providers that keep spans and metrics in memory.

export const LLAMA_1B = 'mlx-community/Llama-3.2-1B-Instruct-4bit';
export const LLAMA_3B = 'mlx-community/Llama-3.2-3B-Instruct-4bit';

/** The simulator with load phases of tens of milliseconds, so tests run fast. */
export function startFastSimulator(options: ExoSimulatorOptions = {}): Promise<ExoSimulator> {
  return startExoSimulator({
    downloadMs: 60,
    loadMs: 60,
    warmupMs: 30,
    shutdownMs: 30,
    ...options,
  });
}

/** A router config for `sim`: `raw` is the YAML document; exo.baseUrl is filled in. */
export function configFor(
  sim: ExoSimulator,
  models: Record<string, unknown>,
  raw: Record<string, unknown> = {},
): RouterConfig {
  return parseConfig(
    {
      models,
      ...raw,
      exo: { requestTimeout: '2s', ...(raw.exo as object), baseUrl: sim.url },
      defaults: { loadTimeout: '10s', stallTimeout: '5s', ...(raw.defaults as object) },
    },
    { env: {} },
  );
}

export interface InMemoryTelemetry {
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
  /** Every finished span so far (the simple processor hands each over as it ends). */
  spans(): ReadableSpan[];
  /** One collection of every metric. */
  collect(): ReturnType<PeriodicExportingMetricReader['collect']>;
  shutdown(): Promise<void>;
}

/** Real tracer and meter providers; nothing is exported, tests read what was recorded. */
export function inMemoryTelemetry(): InMemoryTelemetry {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })],
  });
  // Collected on demand only: the interval never fires within a test.
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });

  return {
    tracerProvider,
    meterProvider,
    spans: () => spanExporter.getFinishedSpans(),
    collect: () => reader.collect(),
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}
