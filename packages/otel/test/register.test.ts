import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import { fixture, run } from './helpers.ts';

describe('node --import @llm-lab/otel/register', () => {
  let sink: OtlpSink;
  before(async () => {
    sink = await startOtlpSink();
  });
  after(() => sink.close());

  function boot(env: Record<string, string> = {}) {
    return run(['--import', '@llm-lab/otel/register', fixture('tiny-service.ts')], {
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_METRIC_EXPORT_INTERVAL: '60000',
      OTEL_SERVICE_NAME: 'tiny',
      ...env,
    });
  }

  it('exports spans, metrics and logs of an unmodified service and exits cleanly on SIGTERM', async () => {
    sink.clear();
    const service = boot();
    const { port } = JSON.parse(await service.waitForLine((line) => line.startsWith('{"port"')));
    await (await fetch(`http://127.0.0.1:${port}/hello`)).text();

    const server = await sink.waitForSpan((s) => s.kind === 'SERVER');
    const work = await sink.waitForSpan('tiny.work');
    await sink.waitForLog((l) => l.body === 'hello served');
    const { code, ms } = await service.stop();

    assert.equal(code, 0);
    assert.ok(ms < 5_000, `exit took ${ms} ms`);
    assert.equal(work.parentSpanId, server.spanId);
    assert.equal(server.resource['service.name'], 'tiny');
    // The metric interval is a minute: only the flush on SIGTERM can have delivered it.
    const hits = sink.metricPoints('tiny.hits');
    assert.equal(hits.at(-1)?.value, 1);
  });

  it('still exits within 5 s when the collector hangs during the final flush', async () => {
    sink.clear();
    await sink.setFault('hang');
    try {
      const service = boot();
      const { port } = JSON.parse(await service.waitForLine((line) => line.startsWith('{"port"')));
      await (await fetch(`http://127.0.0.1:${port}/hello`)).text();

      const { code, ms } = await service.stop();
      assert.equal(code, 0);
      assert.ok(ms < 6_500, `exit took ${ms} ms`);
    } finally {
      await sink.setFault('ok');
    }
  });
});
