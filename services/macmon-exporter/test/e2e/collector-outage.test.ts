// Collector down for a while, then back: no crash, bounded memory, export resumes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import { metricNames } from '../../src/metric-names.ts';
import { type RunningExporter, startExporter } from './harness.ts';

let sink: OtlpSink;
let exporter: RunningExporter;
const resource = { 'host.name': 'outage' };

before(async () => {
  sink = await startOtlpSink();
  exporter = startExporter({ sink, env: { LAB_HOST_NAME: 'outage' } });
});
after(async () => {
  await exporter.cleanup();
  await sink.close();
});

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kib / 1024;
}

it('survives refused and failing exports, then resumes', async () => {
  await sink.waitForMetric(metricNames.powerTotal, { resource });

  await sink.setFault('refuse');
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await sink.setFault('unavailable');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(exporter.proc.exitCode, null, 'still running');
  const rssDuringOutage = rssMiB(exporter.proc.pid!);

  await sink.setFault('ok');
  sink.clear();
  const point = await sink.waitForMetric(metricNames.powerTotal, { resource, timeoutMs: 15_000 });
  assert.equal(point.value, 35.68);
  assert.ok(rssDuringOutage < 200, `RSS ${rssDuringOutage.toFixed(1)} MiB`);
  assert.equal(exporter.childPids().length, 1, 'the outage never touched the child');
});
