// edge-cases.jsonl through the real exporter: nothing crashes, bad lines and readings are counted,
// logged at most once a minute, and no point is ever 0 W or NaN for a missing reading.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import { macmonFixture } from '@llm-lab/testkit/macmon';
import { metricNames } from '../../src/metric-names.ts';
import { type RunningExporter, startExporter, until } from './harness.ts';

let sink: OtlpSink;
let exporter: RunningExporter;
const resource = { 'host.name': 'edge-cases' };

before(async () => {
  sink = await startOtlpSink();
  exporter = startExporter({
    sink,
    file: macmonFixture('edge-cases.jsonl'),
    env: { LAB_HOST_NAME: 'edge-cases' },
  });
});
after(async () => {
  await exporter.cleanup();
  await sink.close();
});

const rejected = (attributes: Record<string, string>) =>
  sink.waitForMetric(metricNames.samplesRejected, {
    resource,
    attributes,
    where: (p) => (p.value ?? 0) >= 2,
  });

it('counts each kind of bad line and bad reading, by reason and field', async () => {
  // Two passes over the file: lines 7 and 8 are not JSON.
  const notJson = await sink.waitForMetric(metricNames.samplesRejected, {
    resource,
    attributes: { reason: 'not_json' },
    where: (p) => (p.value ?? 0) >= 4,
    timeoutMs: 15_000,
  });
  assert.equal(notJson.kind, 'sum');

  await rejected({ reason: 'null', field: 'gpu_power' });
  await rejected({ reason: 'null', field: 'temp.cpu_temp_avg' });
  await rejected({ reason: 'implausible', field: 'temp.gpu_temp_avg' });
  await rejected({ reason: 'implausible', field: 'memory.ram_usage' });
  await rejected({ reason: 'implausible', field: 'gpu_usage' });
  await rejected({ reason: 'missing', field: 'temp.cpu_temp_avg' });
});

it('logs rejected lines at most once a minute, and keeps running', async () => {
  await until(() => exporter.childPids().length >= 1, 5000, 'the child');
  const rejectedLogs = exporter.logs.filter((l) => l.msg === 'macmon line rejected');
  assert.equal(rejectedLogs.length, 1);
  assert.equal(rejectedLogs[0]!.level, 'warn');
  assert.equal(exporter.proc.exitCode, null);
  assert.equal(exporter.childPids().length, 1, 'bad lines never restart the child');
});

it('never exports 0 W, NaN or an implausible value for a bad reading', () => {
  const totals = sink.metricPoints(metricNames.powerTotal, { resource }).map((p) => p.value!);
  assert.ok(totals.length > 0);
  for (const value of totals) assert.ok(Number.isFinite(value) && value > 0, `total ${value}`);

  const gpuTemps = sink.metricPoints(metricNames.tempGpu, { resource }).map((p) => p.value!);
  for (const value of gpuTemps) assert.ok(value > 10, `gpu temp ${value}`);

  const ramUsed = sink.metricPoints(metricNames.ramUsed, { resource }).map((p) => p.value!);
  for (const value of ramUsed) assert.equal(value, 14238449664);

  const usage = sink.metricPoints(metricNames.gpuUsage, { resource }).map((p) => p.value!);
  for (const value of usage) assert.ok(value >= 0 && value <= 1);
});
