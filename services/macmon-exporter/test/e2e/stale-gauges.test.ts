// When macmon goes quiet (here: exits and waits out a long restart delay), gauges stop after
// 3 intervals instead of repeating the last value.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import { metricNames } from '../../src/metric-names.ts';
import { type RunningExporter, startExporter } from './harness.ts';

let sink: OtlpSink;
let exporter: RunningExporter;
const resource = { 'host.name': 'stale' };

before(async () => {
  sink = await startOtlpSink();
  exporter = startExporter({
    sink,
    fault: { kind: 'exit', afterLines: 3, code: 1 },
    env: {
      LAB_HOST_NAME: 'stale',
      MACMON_RESTART_INITIAL_MS: '20000',
    },
  });
});
after(async () => {
  await exporter.cleanup();
  await sink.close();
});

it('gauges stop while macmon is silent', async () => {
  await exporter.waitForLog((l) => l.msg === 'macmon exited; restarting');
  // 3 intervals of 200 ms, one export interval, and a margin.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  sink.clear();

  // Five export intervals: with stale repetition (the cumulative case) points arrive every 200 ms.
  await new Promise((resolve) => setTimeout(resolve, 1000));

  assert.deepEqual(sink.metricPoints(metricNames.powerTotal, { resource }), []);
  assert.deepEqual(sink.metricPoints(metricNames.tempCpu, { resource }), []);
});
