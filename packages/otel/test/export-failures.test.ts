import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createExportFailureReporter, createLogger, isPrivateHost } from '@llm-lab/otel';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const logger = createLogger({
    serviceName: 't',
    level: 'info',
    bridgeToOtel: false,
    destination,
  });
  return { logger, lines };
}

const unreachable = Object.assign(new Error('connect EHOSTUNREACH 192.168.1.20:4318'), {
  cause: Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' }),
});

describe('export failure reports', () => {
  it('explains macOS Local Network privacy for EHOSTUNREACH to a LAN collector', async () => {
    const { logger, lines } = capture();
    const report = createExportFailureReporter({
      logger,
      endpoint: 'http://192.168.1.20:4318',
      platform: 'darwin',
    });

    report(unreachable);
    await new Promise((resolve) => setImmediate(resolve));

    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.code, 'EHOSTUNREACH');
    assert.match(String(lines[0]?.hint), /Local Network/);
    assert.match(String(lines[0]?.hint), /codesign --force --sign -/);
    assert.match(String(lines[0]?.hint), /127\.0\.0\.1/);
  });

  it('gives no Local Network hint off macOS or for a public address', async () => {
    for (const [endpoint, platform] of [
      ['http://192.168.1.20:4318', 'linux'],
      ['http://8.8.8.8:4318', 'darwin'],
    ] as const) {
      const { logger, lines } = capture();
      createExportFailureReporter({ logger, endpoint, platform })(unreachable);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(lines[0]?.code, 'EHOSTUNREACH');
      assert.equal(lines[0]?.hint, undefined);
    }
  });

  it('logs the first failure at once and then at most once per interval', async () => {
    const { logger, lines } = capture();
    let now = 0;
    const report = createExportFailureReporter({
      logger,
      endpoint: 'http://127.0.0.1:4318',
      now: () => now,
    });

    for (const at of [0, 1_000, 30_000, 59_999, 60_000, 61_000, 125_000]) {
      now = at;
      report(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    }
    await new Promise((resolve) => setImmediate(resolve));

    assert.deepEqual(
      lines.map((l) => [l.level, l.suppressed]),
      [
        ['warn', 0],
        ['warn', 3],
        ['warn', 1],
      ],
    );
  });

  it('recognises private hosts', () => {
    assert.equal(isPrivateHost('http://10.0.0.5:4318'), true);
    assert.equal(isPrivateHost('http://172.20.1.1:4318'), true);
    assert.equal(isPrivateHost('http://172.32.1.1:4318'), false);
    assert.equal(isPrivateHost('http://collector.local:4318'), true);
    assert.equal(isPrivateHost('http://[fd00::1]:4318'), true);
    assert.equal(isPrivateHost('http://127.0.0.1:4318'), false);
    assert.equal(isPrivateHost('not a url'), false);
  });
});
