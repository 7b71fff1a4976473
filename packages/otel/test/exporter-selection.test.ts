import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import { fixture, run } from './helpers.ts';

describe('OTEL_*_EXPORTER and OTEL_SDK_DISABLED', () => {
  let sink: OtlpSink;
  before(async () => {
    sink = await startOtlpSink();
  });
  after(() => sink.close());

  it('serves metrics on a Prometheus pull endpoint with OTEL_METRICS_EXPORTER=prometheus', async () => {
    const port = await freePort();
    const service = run([fixture('load-service.ts')], {
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
    });
    try {
      const body = await poll(async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return text.includes('load_work') ? text : undefined;
      });
      assert.match(body, /load_work(_item)?_total\{[^}]*kind="tick"[^}]*\} \d+/);
      assert.match(body, /target_info\{[^}]*cluster="mac-exo"/);
      await sink.waitForSpan('load.tick');
      assert.equal(
        sink.metricPoints('load.work').length,
        0,
        'metrics went to Prometheus, not OTLP',
      );
    } finally {
      await service.stop();
    }
  });

  it('prints to the console with OTEL_METRICS_EXPORTER=console and sends nothing for none', async () => {
    sink.clear();
    const service = run([fixture('load-service.ts')], {
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_METRICS_EXPORTER: 'console',
      OTEL_METRIC_EXPORT_INTERVAL: '200',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    });
    try {
      await service.waitForLine((line) => line.includes("name: 'load.work'"), 15_000);
      await sink.waitForMetric('load.work', { timeoutMs: 1_000 }).then(
        () => assert.fail('no OTLP metrics expected'),
        () => {},
      );
      assert.equal(sink.spans().length, 0);
      assert.equal(sink.logs().length, 0);
      assert.ok(
        service.lines.some((line) => line.includes('"msg":"tick"')),
        'the service still logs to stdout',
      );
    } finally {
      await service.stop();
    }
  });

  it('exports nothing and keeps working with OTEL_SDK_DISABLED=true', async () => {
    sink.clear();
    const service = run([fixture('load-service.ts')], {
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_SDK_DISABLED: 'true',
      OTEL_METRIC_EXPORT_INTERVAL: '200',
    });
    try {
      await service.waitForLine((line) => line.includes('"heapUsed"'));
      await sink.waitForMetric('load.work', { timeoutMs: 1_000 }).then(
        () => assert.fail('no export expected'),
        () => {},
      );
      assert.equal(sink.requestCount, 0);
      const { code } = await service.stop();
      assert.equal(code, 0);
    } finally {
      await service.stop();
    }
  });
});

async function poll<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`nothing within ${timeoutMs} ms`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
