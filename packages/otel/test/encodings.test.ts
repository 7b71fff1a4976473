import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import { fixture, run } from './helpers.ts';

// The same fixture run once per protocol; what the sink decodes must be the same data.
describe('OTLP/HTTP encodings', () => {
  let sink: OtlpSink;
  before(async () => {
    sink = await startOtlpSink();
  });
  after(() => sink.close());

  async function capture(protocol: string) {
    sink.clear();
    const service = run(
      [fixture('tiny-service.ts')].flatMap((f) => ['--import', '@llm-lab/otel/register', f]),
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_METRIC_EXPORT_INTERVAL: '200',
        OTEL_SERVICE_NAME: 'tiny',
        OTEL_RESOURCE_ATTRIBUTES: 'lab.flag=true,lab.count=3,lab.ratio=0.5',
      },
    );
    try {
      const { port } = JSON.parse(await service.waitForLine((line) => line.startsWith('{"port"')));
      await (await fetch(`http://127.0.0.1:${port}/hello`)).text();
      await (await fetch(`http://127.0.0.1:${port}/hello`)).text();

      const metric = await sink.waitForMetric('tiny.hits', { where: (p) => p.value === 2 });
      const work = await sink.waitForSpan('tiny.work');
      const server = await sink.waitForSpan((s) => s.kind === 'SERVER');
      const log = await sink.waitForLog((l) => l.body === 'hello served');
      return {
        metric: {
          name: metric.name,
          unit: metric.unit,
          kind: metric.kind,
          value: metric.value,
          monotonic: metric.isMonotonic,
          attributes: metric.attributes,
        },
        work: {
          name: work.name,
          kind: work.kind,
          parentIsServer: work.parentSpanId === server.spanId,
          sameTrace: work.traceId === server.traceId,
        },
        server: {
          kind: server.kind,
          method: server.attributes['http.request.method'] ?? server.attributes['http.method'],
        },
        log: {
          body: log.body,
          severity: log.severityNumber,
          attributes: log.attributes,
          traced: log.traceId === work.traceId,
        },
        resource: {
          flag: metric.resource['lab.flag'],
          count: metric.resource['lab.count'],
          ratio: metric.resource['lab.ratio'],
        },
      };
    } finally {
      await service.stop();
    }
  }

  it('decodes http/json and http/protobuf exports to the same data', async () => {
    const json = await capture('http/json');
    const jsonRequests = sink.requestsByEncoding.json;
    const protobuf = await capture('http/protobuf');

    assert.ok(jsonRequests > 0, 'the JSON run sent JSON');
    assert.ok(sink.requestsByEncoding.protobuf > 0, 'the protobuf run sent protobuf');
    assert.deepEqual(protobuf, json);
    assert.deepEqual(json.metric, {
      name: 'tiny.hits',
      unit: '{request}',
      kind: 'sum',
      value: 2,
      monotonic: true,
      attributes: { route: '/hello' },
    });
    assert.equal(json.work.parentIsServer, true);
    assert.equal(json.log.traced, true);
    assert.equal(json.server.method, 'GET');
    assert.deepEqual(json.resource, { flag: 'true', count: '3', ratio: '0.5' });
  });
});
