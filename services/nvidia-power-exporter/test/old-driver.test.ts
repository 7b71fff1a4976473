import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import { nvidiaSmiCaptures, nvidiaSmiEnv } from '@llm-lab/testkit/nvidia-smi';
import { metricNames } from '../src/metric-names.ts';
import { startExporter } from './support/exporter-process.ts';

let sink: OtlpSink;
before(async () => {
  sink = await startOtlpSink();
});
after(() => sink.close());

// A 2015 Maxwell card stays on the R580 branch and older drivers predate power.draw.instant and
// power.draw.average: the exporter must drop them and keep everything else.
it('drops the fields an old driver rejects, logs each once, and exports the rest', async () => {
  const exporter = startExporter({
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    ...nvidiaSmiEnv({
      capture: nvidiaSmiCaptures.rtx2080Super,
      table: 'load',
      reject: ['power.draw.instant', 'power.draw.average'],
    }),
  });

  try {
    const board = await sink.waitForMetric(metricNames.powerBoard, {
      where: (p) => p.value === 111.5,
    });
    assert.equal(board.attributes['gpu.name'], 'NVIDIA GeForce RTX 2080 SUPER');
    await sink.waitForMetric(metricNames.fanSpeed, { where: (p) => p.value === 0.38 });
    await sink.waitForMetric(metricNames.memoryUsed, { where: (p) => p.value === 819 * 1_048_576 });
    await sink.waitForMetric(metricNames.energyBoard);

    assert.deepEqual(sink.metricPoints(metricNames.powerInstant), []);
    assert.deepEqual(sink.metricPoints(metricNames.powerAverage), []);
    const drops = exporter.logs.filter((l) => l.code === 'NVSMI_INVALID_FIELD');
    assert.deepEqual(drops.map((l) => l.field).sort(), [
      'power.draw.average',
      'power.draw.instant',
    ]);
    assert.ok(drops.every((l) => l.level === 'warn'));
    assert.equal(exporter.logs.filter((l) => l.level === 'error').length, 0);
  } finally {
    assert.equal((await exporter.stop()).code, 0);
  }
});
