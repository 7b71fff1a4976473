// Every fixture replayed by the stand-in macmon through the real exporter process into the sink.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import { macmonFixture } from '@llm-lab/testkit/macmon';
import { LAUNCHD_NODE_FLAGS } from '../../bench/node-flags.ts';
import { metricNames } from '../../src/metric-names.ts';
import { HOST_NAME, type RunningExporter, startExporter } from './harness.ts';

let sink: OtlpSink;
const running: RunningExporter[] = [];

before(async () => {
  sink = await startOtlpSink();
});
after(async () => {
  await Promise.all(running.map((r) => r.cleanup()));
  await sink.close();
});

async function replay(
  file: Parameters<typeof macmonFixture>[0],
  expected: Record<string, number>,
  intervalMs = 200,
) {
  const host = `${HOST_NAME}-${file}`;
  const exporter = startExporter({
    sink,
    file: macmonFixture(file),
    intervalMs,
    env: { LAB_HOST_NAME: host },
  });
  running.push(exporter);

  for (const [name, value] of Object.entries(expected)) {
    const point = await sink.waitForMetric(name, {
      resource: { 'host.name': host },
      where: (p) => p.value === value,
      timeoutMs: 15_000,
    });
    assert.equal(point.kind, 'gauge', name);
  }
  return exporter;
}

describe('fixture replay through the real exporter', () => {
  it('v0.7 EXO-pinned, CPU load: exact values, units and resource attributes', async () => {
    await replay('v0.7-exo-pinned-cpu-load.jsonl', {
      [metricNames.powerTotal]: 35.68,
      [metricNames.powerCpu]: 14.02,
      [metricNames.powerGpu]: 0.0306,
      [metricNames.powerAne]: 0,
      [metricNames.powerRam]: 1.269,
      [metricNames.powerGpuRam]: 0,
      [metricNames.powerSystem]: 35.68 - (14.02 + 0.0306 + 0 + 1.269 + 0),
      [metricNames.tempCpu]: 82.86,
      [metricNames.tempGpu]: 73.5,
      [metricNames.gpuUsage]: 0.00957,
      [metricNames.cpuUsage]: 0.9946,
      [metricNames.ecpuUsage]: 0.997,
      [metricNames.pcpuUsage]: 0.9911,
      [metricNames.ramUsed]: 14238449664,
      [metricNames.ramTotal]: 17179869184,
      [metricNames.swapUsed]: 18128306176,
      [metricNames.swapTotal]: 19327352832,
    });

    const host = `${HOST_NAME}-v0.7-exo-pinned-cpu-load.jsonl`;
    const [point] = sink.metricPoints(metricNames.powerTotal, { resource: { 'host.name': host } });
    assert.equal(point!.unit, 'W');
    assert.equal(point!.resource.cluster, 'mac-exo');
    assert.equal(point!.resource['deployment.environment'], 'test');
    assert.equal(point!.resource['service.name'], 'macmon-exporter');
    const units = Object.fromEntries(
      [metricNames.tempCpu, metricNames.gpuUsage, metricNames.ramUsed, metricNames.energyTotal].map(
        (name) => [name, sink.metricPoints(name, { resource: { 'host.name': host } })[0]?.unit],
      ),
    );
    assert.deepEqual(units, {
      [metricNames.tempCpu]: 'Cel',
      [metricNames.gpuUsage]: '1',
      [metricNames.ramUsed]: 'By',
      [metricNames.energyTotal]: 'J',
    });
    const energy = await sink.waitForMetric(metricNames.energyTotal, {
      resource: { 'host.name': host },
      where: (p) => (p.value ?? 0) > 0,
    });
    assert.equal(energy.kind, 'sum');
    assert.equal(energy.isMonotonic, true);
  });

  it('v0.5 M3 Pro idle: struct order, both lines', async () => {
    await replay(
      'v0.5-m3pro-24gb-idle.jsonl',
      {
        [metricNames.powerTotal]: 10.272432,
        [metricNames.powerCpu]: 0.06117144,
        [metricNames.ecpuUsage]: 0.21567217,
        [metricNames.ramUsed]: 15089975296,
        [metricNames.ramTotal]: 25769803776,
        [metricNames.tempGpu]: 44.810947,
      },
      330,
    ); // not a multiple of the 200 ms export interval, so exports see both lines
  });

  it('v0.8.0 M1 Max: 0.8.0 names, fans', async () => {
    await replay('v0.8.0-m1max-64gb.jsonl', {
      [metricNames.powerTotal]: 18.952476501464844,
      [metricNames.gpuUsage]: 0.2072213888168335,
      [metricNames.pcpuUsage]: 0.1037256270647049,
      [metricNames.ramTotal]: 68719476736,
      [metricNames.tempCpu]: 55.03165054321289,
    });
    const host = `${HOST_NAME}-v0.8.0-m1max-64gb.jsonl`;
    const fan = await sink.waitForMetric(metricNames.fanSpeed, {
      resource: { 'host.name': host },
      attributes: { 'hw.name': 'fan1' },
    });
    assert.equal(fan.value, 2514);
  });

  // --lite-mode has no WebAssembly, so no TypeScript stripping either: this runs the build.
  it('dist/main.js works under the LaunchAgent node flags (--lite-mode)', async () => {
    const host = `${HOST_NAME}-launchd-flags`;
    const exporter = startExporter({
      sink,
      built: true,
      nodeArgs: [...LAUNCHD_NODE_FLAGS],
      env: { LAB_HOST_NAME: host },
    });
    running.push(exporter);
    const point = await sink.waitForMetric(metricNames.powerSystem, {
      resource: { 'host.name': host },
      timeoutMs: 15_000,
    });
    assert.equal(point.value, 35.68 - (14.02 + 0.0306 + 0 + 1.269 + 0));
  });

  it('v0.8.2 README values: scaled ratios', async () => {
    await replay('v0.8.2-readme-values.jsonl', {
      [metricNames.powerTotal]: 5.876533,
      [metricNames.ecpuUsage]: 0.082656614,
      [metricNames.cpuUsage]: 0.036854,
      [metricNames.ramUsed]: 20985479168,
      [metricNames.tempGpu]: 36.95167,
    });
  });
});
