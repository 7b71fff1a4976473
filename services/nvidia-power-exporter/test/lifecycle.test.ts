import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import { nvidiaSmiEnv } from '@llm-lab/testkit/nvidia-smi';
import { metricNames } from '../src/metric-names.ts';
import {
  type ExporterProcess,
  isAlive,
  readRunLog,
  scratchDir,
  startExporter,
  waitUntil,
} from './support/exporter-process.ts';

let sink: OtlpSink;
let exporter: ExporterProcess | undefined;
const scratch = scratchDir();

before(async () => {
  sink = await startOtlpSink();
});
afterEach(async () => {
  await exporter?.stop('SIGKILL');
  exporter = undefined;
  sink.clear();
});
after(async () => {
  await sink.close();
  scratch.dispose();
});

describe('restart backoff', () => {
  it('waits 1 s, then 2 s, then 4 s between failed starts', async () => {
    const runLog = join(scratch.path, 'backoff.log');
    exporter = startExporter({
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      ...nvidiaSmiEnv({ fault: 'driver-not-loaded', runLog }),
    });

    await waitUntil(() => readRunLog(runLog).length >= 4, 15_000, 'four nvidia-smi starts');
    const starts = readRunLog(runLog).map((entry) => entry.startedAt);
    const gaps = starts.slice(1, 4).map((at, i) => at - (starts[i] ?? 0));
    for (const [i, expected] of [1000, 2000, 4000].entries()) {
      const gap = gaps[i] ?? 0;
      assert.ok(
        gap >= expected * 0.95 && gap <= expected + 1500,
        `gap ${i} was ${gap} ms, expected ~${expected}`,
      );
    }
    const errors = exporter.logs.filter((l) => l.code === 'NVSMI_DRIVER_NOT_LOADED');
    assert.deepEqual(
      errors.slice(0, 3).map((l) => l.retryInMs),
      [1000, 2000, 4000],
    );
  });
});

describe('shutdown and the child', () => {
  it('SIGTERM flushes the last readings, exits 0 within 5 s and leaves no child', async () => {
    const runLog = join(scratch.path, 'sigterm.log');
    exporter = startExporter({
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_METRIC_EXPORT_INTERVAL: '60000',
      ...nvidiaSmiEnv({ runLog, table: 'load' }),
    });
    await exporter.waitForLog((l) => l.msg === 'GPU found');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(sink.metricPoints(metricNames.powerBoard).length, 0);
    assert.equal(readRunLog(runLog).length, 1, 'one nvidia-smi for every row, not one per sample');

    const end = await exporter.stop('SIGTERM');
    assert.equal(end.code, 0);
    assert.ok(end.ms < 5000, `took ${end.ms} ms`);
    // The metric interval is a minute: only the shutdown flush can have sent this point.
    assert.equal(sink.metricPoints(metricNames.powerBoard)[0]?.value, 627.4);
    for (const { pid } of readRunLog(runLog)) {
      await waitUntil(() => !isAlive(pid), 2000, `nvidia-smi ${pid} to be gone`);
    }
  });

  it('SIGTERM while the child hangs and ignores SIGTERM still exits 0 within 5 s', async () => {
    const runLog = join(scratch.path, 'sigterm-hang.log');
    exporter = startExporter({
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      NVIDIA_SMI_INTERVAL_MS: '1000',
      ...nvidiaSmiEnv({ runLog, fault: 'hang', faultAfter: 1 }),
    });
    await exporter.waitForLog((l) => l.msg === 'GPU found');

    const end = await exporter.stop('SIGTERM');
    assert.equal(end.code, 0);
    assert.ok(end.ms < 5000, `took ${end.ms} ms`);
    for (const { pid } of readRunLog(runLog)) {
      await waitUntil(() => !isAlive(pid), 2000, `nvidia-smi ${pid} to be gone`);
    }
  });

  it('an exporter killed with SIGKILL leaves no orphan: the child dies on its broken pipe', async () => {
    const runLog = join(scratch.path, 'sigkill.log');
    exporter = startExporter({
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      ...nvidiaSmiEnv({ runLog }),
    });
    await exporter.waitForLog((l) => l.msg === 'GPU found');
    const [entry] = readRunLog(runLog);
    assert.ok(entry && isAlive(entry.pid));

    await exporter.stop('SIGKILL');
    await waitUntil(() => !isAlive(entry.pid), 3000, 'the orphaned nvidia-smi to exit');
  });
});
