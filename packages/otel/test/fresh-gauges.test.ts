import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOtlpSink } from '@llm-lab/testkit';
import { fixture, run } from './helpers.ts';

// The lab's contract: a gauge series that is no longer observed sends nothing, rather than
// its last value again and again.
describe('gauges send only fresh readings', () => {
  it('stops a gauge series as soon as it is no longer observed', async () => {
    const sink = await startOtlpSink();
    const service = run([fixture('stale-gauge.ts')], {
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_METRIC_EXPORT_INTERVAL: '100',
    });
    try {
      const { stoppedAt } = JSON.parse(
        await service.waitForLine((line) => line.includes('stoppedAt')),
      );
      await sleep(1_000);

      const stale = sink.metricPoints('test.power', { attributes: { gpu: 1 } });
      const fresh = sink.metricPoints('test.power', { attributes: { gpu: 0 } });
      const staleAfterStop = stale.filter(
        (p) => Number(p.timeUnixNano / 1_000_000n) > stoppedAt + 50,
      );
      assert.ok(stale.length > 0, 'the series was exported while observed');
      assert.deepEqual(staleAfterStop, [], 'no point after the series went stale');
      assert.ok(
        fresh.some((p) => Number(p.timeUnixNano / 1_000_000n) > stoppedAt + 500),
        'the live series goes on',
      );
    } finally {
      await service.stop();
      await sink.close();
    }
  });
});
