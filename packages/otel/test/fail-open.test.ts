import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type SinkFault, startOtlpSink } from '@llm-lab/testkit';
import { fixture, run } from './helpers.ts';

const RUN_MS = 120_000;
// A busy service (a span, a log record and two metric updates every 10 ms) must not grow its
// live heap by more than this while every export fails: the SDK's queues hold at most 2048
// spans and 2048 log records, and what is in flight is bounded by the export timeout.
const HEAP_GROWTH_BOUND = 8 * 1024 * 1024;

// Three services run side by side for two minutes, each against a collector failing a
// different way; then each collector recovers and exports must resume.
describe('telemetry fails open', { concurrency: true }, () => {
  for (const fault of ['unavailable', 'hang', 'refuse'] as const) {
    it(
      `keeps the service up with bounded memory and rate-limited warnings when the collector ${describeFault(fault)}`,
      { timeout: RUN_MS + 60_000 },
      (t) => failOpen(fault, (message) => t.diagnostic(message)),
    );
  }
});

async function failOpen(fault: SinkFault, note: (message: string) => void) {
  const sink = await startOtlpSink();
  await sink.setFault(fault);
  const service = run(['--expose-gc', fixture('load-service.ts'), '10'], {
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    // The exporter gives up before the reader's timeout, so its own reason reaches the log.
    OTEL_METRIC_EXPORT_INTERVAL: '3000',
    OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
  });

  try {
    await sleep(RUN_MS);
    assert.equal(service.child.exitCode, null, 'the service is still running');

    const heap = service.lines
      .filter((line) => line.startsWith('{"heapUsed"'))
      .map((line) => JSON.parse(line).heapUsed as number);
    const settled = heap[15] ?? heap[0] ?? 0;
    const peakLate = Math.max(...heap.slice(-30));
    note(
      `heap ${(settled / 1e6).toFixed(1)} MB after 15 s, late peak ${(peakLate / 1e6).toFixed(1)} MB`,
    );
    assert.ok(
      peakLate - settled < HEAP_GROWTH_BOUND,
      `heap grew ${((peakLate - settled) / 1e6).toFixed(1)} MB`,
    );

    const warnings = service.lines
      .filter((line) => line.includes('telemetry export failed'))
      .map((line) => JSON.parse(line));
    assert.ok(
      warnings.length >= 2 && warnings.length <= 3,
      `${warnings.length} warnings in two minutes`,
    );
    assert.equal(warnings[0].level, 'warn');
    assert.equal(warnings[0].endpoint, sink.url);
    for (let i = 1; i < warnings.length; i += 1) {
      const gap = Date.parse(warnings[i].time) - Date.parse(warnings[i - 1].time);
      assert.ok(gap >= 59_000, `warnings ${gap} ms apart`);
      assert.ok(warnings[i].suppressed > 0, 'later warnings count what they suppressed');
    }
    if (fault === 'refuse') assert.equal(warnings[0].code, 'ECONNREFUSED');
    if (fault === 'unavailable') assert.match(warnings[0].reason, /retryable status/);

    sink.clear();
    await sink.setFault('ok');
    await sink.waitForMetric('load.work', { timeoutMs: 20_000 });
    await sink.waitForSpan('load.tick', { timeoutMs: 20_000 });
  } finally {
    await service.stop();
    await sink.close();
  }
}

function describeFault(fault: SinkFault) {
  return { ok: 'works', unavailable: 'answers 503', hang: 'hangs', refuse: 'refuses connections' }[
    fault
  ];
}
