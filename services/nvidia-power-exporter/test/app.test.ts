import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, afterEach, before, it } from 'node:test';
import { createLogger } from '@llm-lab/otel';
import { nvidiaSmiEnv, nvidiaSmiPath } from '@llm-lab/testkit/nvidia-smi';
import {
  AggregationTemporality,
  type DataPoint,
  InstrumentType,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { createExporter, type Exporter } from '../src/app.ts';
import { metricNames } from '../src/metric-names.ts';
import { waitUntil } from './support/exporter-process.ts';

/** Collects on demand; gauges use delta so a series that is not observed has no point. */
class TestReader extends MetricReader {
  constructor() {
    super({
      aggregationTemporalitySelector: (type) =>
        type === InstrumentType.OBSERVABLE_GAUGE
          ? AggregationTemporality.DELTA
          : AggregationTemporality.CUMULATIVE,
    });
  }
  protected override async onForceFlush() {}
  protected override async onShutdown() {}

  async points(name: string): Promise<DataPoint<number>[]> {
    const { resourceMetrics } = await this.collect();
    const metric = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === name);
    return (metric?.dataPoints ?? []) as DataPoint<number>[];
  }
}

let reader: TestReader;
let provider: MeterProvider;
let exporter: Exporter | undefined;
let clock = 0;
const logs: Array<Record<string, unknown>> = [];
const saved = { ...process.env };

before(() => {
  // The stand-in reads its settings from the environment it inherits.
  Object.assign(process.env, nvidiaSmiEnv({ gpus: 8, table: 'load' }));
});
afterEach(async () => {
  await exporter?.stop();
  await provider?.shutdown();
  logs.length = 0;
});
after(() => {
  for (const key of Object.keys(nvidiaSmiEnv({ gpus: 8, table: 'load' }))) {
    if (saved[key] === undefined) delete process.env[key];
  }
});

function start(): Exporter {
  reader = new TestReader();
  provider = new MeterProvider({ readers: [reader] });
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = createLogger({
    serviceName: 'test',
    level: 'debug',
    bridgeToOtel: false,
    destination,
  });
  exporter = createExporter({
    config: Object.freeze({
      smiPath: nvidiaSmiPath,
      intervalMs: 100,
      gpus: undefined,
      startTimeoutMs: 10_000,
      heartbeatFile: undefined,
    }),
    logger,
    meter: provider.getMeter('test'),
    warnLimited: (level, fields, message) => logger[level](fields, message),
    now: () => clock,
  });
  exporter.start();
  return exporter;
}

it('reports eight GPUs from one child, each with its own identity', async () => {
  start();
  await waitUntil(
    () => logs.filter((l) => l.msg === 'GPU found').length === 8,
    10_000,
    'eight GPUs',
  );

  const points = await reader.points(metricNames.powerBoard);
  assert.equal(points.length, 8);
  const byIndex = new Map(points.map((p) => [p.attributes['gpu.index'], p]));
  assert.equal(byIndex.get(0)?.value, 627.4);
  assert.equal(byIndex.get(7)?.value, 634.4);
  assert.equal(new Set(points.map((p) => p.attributes['gpu.uuid'])).size, 8);
  assert.equal(new Set(points.map((p) => p.attributes['gpu.pci.bus_id'])).size, 8);
  assert.equal(logs.filter((l) => l.msg === 'nvidia-smi started').length, 1);
});

it('has no gauge point once the last row is older than three intervals', async () => {
  start();
  await waitUntil(() => logs.some((l) => l.msg === 'GPU found'), 10_000, 'a GPU');
  assert.ok((await reader.points(metricNames.tempCore)).length > 0);

  await exporter?.stop();
  clock += 300;
  assert.ok((await reader.points(metricNames.tempCore)).length > 0, 'still fresh at 3 intervals');
  clock += 1;
  assert.deepEqual(await reader.points(metricNames.tempCore), []);
  assert.deepEqual(await reader.points(metricNames.utilization), []);
});
