import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import { fixture, run } from './helpers.ts';

describe('resource attributes and the shared variables', () => {
  let sink: OtlpSink;
  before(async () => {
    sink = await startOtlpSink();
  });
  after(() => sink.close());

  async function resourceWith(env: Record<string, string>) {
    sink.clear();
    const service = run([fixture('load-service.ts')], {
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_METRIC_EXPORT_INTERVAL: '200',
      ...env,
    });
    try {
      const point = await sink.waitForMetric('load.work');
      const span = await sink.waitForSpan('load.tick');
      const log = await sink.waitForLog((l) => l.body === 'tick');
      return {
        metric: point.resource,
        span: span.resource,
        log: log.resource,
        lines: service.lines,
      };
    } finally {
      await service.stop();
    }
  }

  it('applies the service defaults when no variable is set', async () => {
    const { metric, span, log } = await resourceWith({});

    for (const resource of [metric, span, log]) {
      assert.equal(resource['service.name'], 'load-service');
      assert.equal(resource['service.version'], '1.2.3');
      assert.equal(resource.cluster, 'mac-exo');
      assert.equal(resource['deployment.environment'], 'lab');
      assert.equal(resource['deployment.environment.name'], 'lab');
      assert.equal(resource['host.name'], hostname());
    }
  });

  it('takes LAB_CLUSTER, LAB_ENVIRONMENT and LAB_HOST_NAME over everything else', async () => {
    const { metric, span, log } = await resourceWith({
      LAB_CLUSTER: 'nvidia',
      LAB_ENVIRONMENT: 'staging',
      LAB_HOST_NAME: 'mac-studio',
      OTEL_RESOURCE_ATTRIBUTES: 'cluster=ignored,host.name=ignored,team=infra',
    });

    for (const resource of [metric, span, log]) {
      assert.equal(resource.cluster, 'nvidia');
      assert.equal(resource['deployment.environment'], 'staging');
      assert.equal(resource['deployment.environment.name'], 'staging');
      assert.equal(resource['host.name'], 'mac-studio');
      assert.equal(resource.team, 'infra');
    }
  });

  it('lets OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME override the service defaults', async () => {
    const { metric } = await resourceWith({
      OTEL_SERVICE_NAME: 'renamed',
      OTEL_RESOURCE_ATTRIBUTES: 'cluster=mac-lab-2,deployment.environment=prod',
    });

    assert.equal(metric['service.name'], 'renamed');
    assert.equal(metric.cluster, 'mac-lab-2');
    assert.equal(metric['deployment.environment'], 'prod');
  });

  it('honours LOG_LEVEL for the log lines and the exported records', async () => {
    const quiet = await resourceWith({ LOG_LEVEL: 'info' });
    assert.ok(!quiet.lines.some((line) => line.includes('tick detail')));

    sink.clear();
    const service = run([fixture('load-service.ts')], {
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      LOG_LEVEL: 'debug',
    });
    try {
      const record = await sink.waitForLog((l) => l.body === 'tick detail');
      assert.equal(record.severityText, 'DEBUG');
      await service.waitForLine((line) => line.includes('"msg":"tick detail"'));
    } finally {
      await service.stop();
    }
  });

  it('carries trace_id and span_id on log lines and exported records', async () => {
    sink.clear();
    const service = run([fixture('load-service.ts')], { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url });
    try {
      const line = JSON.parse(await service.waitForLine((l) => l.includes('"msg":"tick"')));
      const record = await sink.waitForLog((l) => l.body === 'tick' && l.traceId === line.trace_id);
      const span = await sink.waitForSpan((s) => s.traceId === line.trace_id);

      assert.match(line.trace_id, /^[0-9a-f]{32}$/);
      assert.equal(record.spanId, line.span_id);
      assert.equal(span.spanId, line.span_id);
    } finally {
      await service.stop();
    }
  });

  it('keeps running on values it does not understand, and says what it used instead', async () => {
    sink.clear();
    const service = run([fixture('load-service.ts')], {
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_METRIC_EXPORT_INTERVAL: '200',
      LOG_LEVEL: 'loud',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon',
      OTEL_TRACES_EXPORTER: 'otlp,zipkin',
    });
    try {
      const level = JSON.parse(
        await service.waitForLine((line) => line.includes('LOG_LEVEL must be')),
      );
      const protocol = JSON.parse(
        await service.waitForLine((line) => line.includes('OTEL_EXPORTER_OTLP_PROTOCOL must be')),
      );
      const exporter = JSON.parse(
        await service.waitForLine((line) => line.includes('OTEL_TRACES_EXPORTER accepts')),
      );

      assert.equal(level.level, 'warn');
      assert.match(level.msg, /received "loud", using info/);
      assert.match(protocol.msg, /using http\/protobuf/);
      assert.match(exporter.msg, /ignoring "zipkin"/);
      await sink.waitForMetric('load.work');
      await sink.waitForSpan('load.tick');
      assert.equal(sink.requestsByEncoding.json, 0, 'fell back to protobuf');
    } finally {
      await service.stop();
    }
  });
});
