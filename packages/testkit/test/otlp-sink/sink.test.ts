import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';

// A hand-written OTLP/JSON export, as an SDK would send it.
const metricsJson = {
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'host.name', value: { stringValue: 'mac-studio' } }] },
      scopeMetrics: [
        {
          scope: { name: 'test', version: '1' },
          metrics: [
            {
              name: 'mac.power.total',
              unit: 'W',
              gauge: {
                dataPoints: [
                  {
                    asDouble: 35.68,
                    timeUnixNano: '1700000000000000000',
                    attributes: [{ key: 'k', value: { intValue: '7' } }],
                  },
                ],
              },
            },
            {
              name: 'mac.energy.total',
              unit: 'J',
              sum: {
                isMonotonic: true,
                aggregationTemporality: 2,
                dataPoints: [{ asDouble: 12.5, timeUnixNano: '1700000000000000000' }],
              },
            },
          ],
        },
      ],
    },
  ],
};

describe('OTLP sink', () => {
  let sink: OtlpSink;
  before(async () => {
    sink = await startOtlpSink();
  });
  after(() => sink.close());

  const post = (path: string, body: unknown, signal?: AbortSignal) =>
    fetch(`${sink.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });

  it('decodes an OTLP/JSON metrics export into points', async () => {
    sink.clear();
    const response = await post('/v1/metrics', metricsJson);

    assert.equal(response.status, 200);
    const gauge = await sink.waitForMetric('mac.power.total', {
      resource: { 'host.name': 'mac-studio' },
    });
    assert.equal(gauge.kind, 'gauge');
    assert.equal(gauge.value, 35.68);
    assert.equal(gauge.unit, 'W');
    assert.deepEqual(gauge.attributes, { k: 7 });
    assert.equal(gauge.timeUnixNano, 1700000000000000000n);
    const sum = sink.metricPoints('mac.energy.total')[0];
    assert.equal(sum?.isMonotonic, true);
    assert.equal(sum?.value, 12.5);
    assert.deepEqual([...sink.metricNames()].sort(), ['mac.energy.total', 'mac.power.total']);
  });

  it('rejects what is not OTLP with a 4xx and keeps nothing', async () => {
    sink.clear();
    assert.equal((await fetch(`${sink.url}/v1/metrics`)).status, 404);
    const bad = await fetch(`${sink.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resourceMetrics": [',
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /undecodable json body/);
    assert.equal(sink.metricNames().size, 0);
  });

  it('answers 503 when told to, and recovers', async () => {
    await sink.setFault('unavailable');
    assert.equal((await post('/v1/metrics', metricsJson)).status, 503);
    await sink.setFault('ok');
    assert.equal((await post('/v1/metrics', metricsJson)).status, 200);
  });

  it('never answers while hanging', async () => {
    await sink.setFault('hang');
    const outcome = await post('/v1/metrics', metricsJson, AbortSignal.timeout(500)).then(
      () => 'answered',
      (err: Error) => err.name,
    );
    await sink.setFault('ok');
    assert.equal(outcome, 'TimeoutError');
  });

  it('refuses connections while refusing, then listens on the same port again', async () => {
    await sink.setFault('refuse');
    const refused = await post('/v1/metrics', metricsJson).then(
      () => 'answered',
      (err: Error & { cause?: { code?: string } }) => err.cause?.code,
    );
    await sink.setFault('ok');
    assert.equal(refused, 'ECONNREFUSED');
    assert.equal((await post('/v1/metrics', metricsJson)).status, 200);
  });

  it('names what it waited for when nothing arrives', async () => {
    await assert.rejects(
      sink.waitForMetric('never.sent', { timeoutMs: 100 }),
      /no point of never\.sent .* within 100 ms/,
    );
  });
});

describe('otlp-sink CLI', () => {
  it('prints its URL, then one line per export, and exits on SIGTERM', async () => {
    const bin = fileURLToPath(new URL('../../bin/otlp-sink', import.meta.url));
    const child = spawn(process.execPath, [bin, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (data) => {
      output += data;
    });
    const waitFor = async (text: string) => {
      while (!output.includes(text)) await new Promise((resolve) => setTimeout(resolve, 20));
    };

    await waitFor('"url"');
    const { url } = JSON.parse(output.split('\n')[0] ?? '');
    await fetch(`${url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(metricsJson),
    });
    await waitFor('mac.power.total');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');

    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(output.split('\n')[1] ?? ''), {
      signal: 'metrics',
      encoding: 'json',
      count: 2,
      names: ['mac.power.total', 'mac.energy.total'],
    });
  });
});
