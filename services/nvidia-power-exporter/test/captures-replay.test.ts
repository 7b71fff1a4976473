import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import { nvidiaSmiEnv, writeNvidiaSmiControl } from '@llm-lab/testkit/nvidia-smi';
import { metricNames } from '../src/metric-names.ts';
import { type CaptureReadings, captureCases } from './support/capture-expectations.ts';
import { scratchDir, startExporter } from './support/exporter-process.ts';

const UUID = 'GPU-00000000-0000-0000-0000-000000000000';
const MIB = 1_048_576;
const resource = { cluster: 'nvidia', 'host.name': 'gpu-host-1' };

/** Expected metric values in the metrics' units (W, Cel, ratio 0..1, bytes, MHz). */
function inMetricUnits(r: CaptureReadings): Record<string, number | null> {
  const ratio = (v: number | null) => (v === null ? null : v / 100);
  return {
    [metricNames.powerBoard]: r.powerBoard,
    [metricNames.powerAverage]: r.powerAverage,
    [metricNames.powerInstant]: r.powerInstant,
    [metricNames.powerLimit]: r.powerLimit,
    [metricNames.tempCore]: r.tempCore,
    [metricNames.tempMemory]: r.tempMemory,
    [metricNames.utilization]: ratio(r.utilization),
    [metricNames.memoryUtilization]: ratio(r.memoryUtilization),
    [metricNames.memoryUsed]: r.memoryUsedMiB * MIB,
    [metricNames.memoryTotal]: r.memoryTotalMiB * MIB,
    [metricNames.clockSm]: r.clockSm,
    [metricNames.clockMemory]: r.clockMemory,
    [metricNames.fanSpeed]: ratio(r.fanSpeed),
  };
}

async function expectReadings(sink: OtlpSink, readings: CaptureReadings, attributes: object) {
  for (const [name, value] of Object.entries(inMetricUnits(readings))) {
    if (value === null) {
      continue;
    }
    const point = await sink.waitForMetric(name, {
      attributes: { 'gpu.uuid': UUID },
      resource,
      where: (p) => p.value === value,
      timeoutMs: 10_000,
    });
    assert.equal(point.kind, 'gauge', name);
    assert.deepEqual({ ...point.attributes }, attributes, name);
  }
}

describe('every capture replayed through the real exporter into the OTLP sink', () => {
  let sink: OtlpSink;
  const scratch = scratchDir();
  before(async () => {
    sink = await startOtlpSink();
  });
  after(async () => {
    await sink.close();
    scratch.dispose();
  });

  for (const capture of captureCases) {
    it(`${capture.file}: idle then load, exact values per GPU`, async () => {
      sink.clear();
      const control = join(scratch.path, `${capture.file}.control.json`);
      writeNvidiaSmiControl(control, { table: 'idle' });
      const exporter = startExporter({
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
        ...nvidiaSmiEnv({ capture: capture.file, controlFile: control }),
      });
      const attributes = {
        'gpu.index': 0,
        'gpu.uuid': UUID,
        'gpu.name': capture.name,
        'gpu.pci.bus_id': capture.busId,
      };

      try {
        await expectReadings(sink, capture.idle, attributes);
        writeNvidiaSmiControl(control, { table: 'load' });
        await expectReadings(sink, capture.load, attributes);

        const absent = Object.entries(inMetricUnits(capture.load)).filter(([, v]) => v === null);
        for (const [name] of absent) {
          assert.deepEqual(sink.metricPoints(name), [], `${name} must have no point`);
        }
        const energy = await sink.waitForMetric(metricNames.energyBoard, { resource });
        assert.equal(energy.kind, 'sum');
        assert.equal(energy.isMonotonic, true);
      } finally {
        const end = await exporter.stop();
        assert.equal(end.code, 0);
      }
    });
  }

  it('holds the figures the dashboards are checked against', () => {
    const h200 = captureCases.find((c) => c.name === 'NVIDIA H200');
    const h100 = captureCases.find((c) => c.file.includes('h100-80gb'));
    assert.equal(h200?.load.powerBoard, 627.4);
    assert.equal(h100?.load.powerBoard, 631.95);
    assert.equal((h200?.load.memoryUsedMiB ?? 0) * MIB, 33_934_016_512);
    assert.equal(inMetricUnits(h200!.load)[metricNames.utilization], 1);
    assert.equal(inMetricUnits(h200!.load)[metricNames.memoryUtilization], 0.07);
  });
});
