import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import { nvidiaSmiEnv } from '@llm-lab/testkit/nvidia-smi';
import { metricNames } from '../src/metric-names.ts';
import { startExporter } from './support/exporter-process.ts';

let sink: OtlpSink;
before(async () => {
  sink = await startOtlpSink();
});
after(() => sink.close());

it('reads only the GPUs NVIDIA_SMI_GPUS names, by index or UUID', async () => {
  const exporter = startExporter({
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    NVIDIA_SMI_GPUS: '1,GPU-00000003-0000-4000-8000-000000030000',
    ...nvidiaSmiEnv({ gpus: 4 }),
  });

  try {
    await sink.waitForMetric(metricNames.powerBoard, { attributes: { 'gpu.index': 1 } });
    await sink.waitForMetric(metricNames.powerBoard, { attributes: { 'gpu.index': 3 } });
    const indexes = new Set(
      sink.metricPoints(metricNames.powerBoard).map((p) => p.attributes['gpu.index']),
    );
    assert.deepEqual([...indexes].sort(), [1, 3]);
  } finally {
    assert.equal((await exporter.stop()).code, 0);
  }
});
