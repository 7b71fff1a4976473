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

// Known replay: two synthetic H200s under load (627.40 W and 628.40 W), 100 ms apart on the
// stand-in's synthetic clock, 20 rows, then the child fails. Energy must plateau at
// P × 19 rows × 0.1 s; the restart's first row (clock back at the start) adds nothing.
it('integrates power.draw to within 0.1% of P × t on a known replay', async () => {
  const rows = 20;
  const exporter = startExporter({
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    OTEL_METRIC_EXPORT_INTERVAL: '100',
    ...nvidiaSmiEnv({
      gpus: 2,
      table: 'load',
      clock: 'synthetic',
      fault: 'unknown-error',
      faultAfter: rows,
    }),
  });

  try {
    for (const [index, watts] of [
      [0, 627.4],
      [1, 628.4],
    ] as const) {
      const expected = watts * (rows - 1) * 0.1;
      const point = await sink.waitForMetric(metricNames.energyBoard, {
        attributes: { 'gpu.index': index },
        where: (p) => (p.value ?? 0) >= expected * 0.999,
        timeoutMs: 15_000,
      });
      const error = Math.abs((point.value ?? 0) - expected) / expected;
      assert.ok(error < 0.001, `GPU ${index}: ${point.value} J, expected ${expected} J`);
      assert.equal(point.unit, 'J');
    }
  } finally {
    assert.equal((await exporter.stop()).code, 0);
  }
});
