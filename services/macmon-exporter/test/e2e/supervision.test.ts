// The macmon child under supervision: crashes, signals, hangs, and the exporter's own exits.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import { metricNames } from '../../src/metric-names.ts';
import { isAlive, type RunningExporter, startExporter, until } from './harness.ts';

let sink: OtlpSink;
const running: RunningExporter[] = [];

before(async () => {
  sink = await startOtlpSink();
});
after(async () => {
  await Promise.all(running.map((r) => r.cleanup()));
  await sink.close();
});

function start(options: Omit<Parameters<typeof startExporter>[0], 'sink'>): RunningExporter {
  const exporter = startExporter({ sink, ...options });
  running.push(exporter);
  return exporter;
}

const allGone = (exporter: RunningExporter) => !exporter.childPids().some(isAlive);

const restartLogs = (exporter: RunningExporter) =>
  exporter.logs.filter((log) => log.msg === 'macmon exited; restarting');

describe('child supervision', () => {
  it('a child that exits is restarted with doubling backoff, logged with code and stderr', async () => {
    const exporter = start({
      fault: { kind: 'exit', afterLines: 2, code: 1, stderr: 'Error: Failed to get memory stats' },
      env: { MACMON_RESTART_INITIAL_MS: '200', LAB_HOST_NAME: 'crash-loop' },
    });

    await until(() => restartLogs(exporter).length >= 3, 20_000, 'three restarts');
    const logs = restartLogs(exporter).slice(0, 3);
    assert.deepEqual(
      logs.map((log) => log.restartInMs),
      [200, 400, 800],
    );
    for (const log of logs) {
      assert.equal(log.level, 'warn');
      assert.equal(log.reason, 'exit');
      assert.equal(log.exitCode, 1);
      assert.equal(log.lastStderr, 'Error: Failed to get memory stats');
    }

    const restarts = await sink.waitForMetric(metricNames.childRestarts, {
      resource: { 'host.name': 'crash-loop' },
      attributes: { reason: 'exit' },
      where: (p) => (p.value ?? 0) >= 3,
    });
    assert.equal(restarts.kind, 'sum');
    assert.ok(exporter.childPids().length >= 3);
  });

  it('a child killed by a signal (macmon panics abort) is restarted, with the signal logged', async () => {
    const exporter = start({
      fault: { kind: 'signal', signal: 'SIGABRT', afterLines: 1 },
      env: { MACMON_RESTART_INITIAL_MS: '200' },
    });

    const log = await exporter.waitForLog((l) => l.msg === 'macmon exited; restarting');
    assert.equal(log.reason, 'signal');
    assert.equal(log.signal, 'SIGABRT');
  });

  it('a hung child (alive, silent for 3 intervals) is killed and restarted', async () => {
    const exporter = start({
      fault: { kind: 'hang', afterLines: 2 },
      env: { MACMON_RESTART_INITIAL_MS: '200' },
    });

    await exporter.waitForLog((l) => l.msg === 'macmon silent; killing it');
    const log = await exporter.waitForLog((l) => l.msg === 'macmon exited; restarting');
    assert.equal(log.reason, 'silent');
    await until(() => exporter.childPids().length >= 2, 10_000, 'a second child');
    const [hung] = exporter.childPids();
    await until(() => !isAlive(hung!), 5000, 'the hung child to be gone');
  });
});

describe('the child never outlives the exporter', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: flushes metrics, exits 0 within 5 s, child gone`, async () => {
      const host = `shutdown-${signal}`;
      // Long export interval: the only export is the flush at shutdown.
      const exporter = start({
        env: { OTEL_METRIC_EXPORT_INTERVAL: '60000', LAB_HOST_NAME: host },
      });
      await until(() => exporter.childPids().length >= 1, 10_000, 'the child');
      await exporter.waitForLog((l) => l.msg === 'macmon-exporter started');
      // Long enough for the child's first line (start-up plus one 200 ms interval).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(
        sink.metricPoints(metricNames.powerTotal, { resource: { 'host.name': host } }).length,
        0,
      );

      const sentAt = Date.now();
      exporter.proc.kill(signal);
      const { code } = await exporter.exited;

      assert.equal(code, 0);
      assert.ok(Date.now() - sentAt < 5000, 'exited within 5 s');
      const [point] = sink.metricPoints(metricNames.powerTotal, {
        resource: { 'host.name': host },
      });
      assert.equal(point?.value, 35.68);
      await until(() => allGone(exporter), 3000, 'every child to be gone');
    });
  }

  it('SIGKILL of the exporter: the child dies at its next write', async () => {
    const exporter = start({});
    await until(() => exporter.childPids().length >= 1, 10_000, 'the child');
    await exporter.waitForLog((l) => l.msg === 'macmon-exporter started');

    exporter.proc.kill('SIGKILL');
    await exporter.exited;
    await until(() => allGone(exporter), 5000, 'the orphaned child to exit');
  });

  it('an uncaught exception in the exporter kills the child too', async () => {
    const exporter = start({
      nodeArgs: ['--import', new URL('./crash-preload.ts', import.meta.url).pathname],
    });
    await until(() => exporter.childPids().length >= 1, 10_000, 'the child');

    const { code } = await exporter.exited;
    assert.equal(code, 1);
    assert.ok(exporter.logs.some((l) => l.msg === 'uncaught exception; exiting'));
    await until(() => allGone(exporter), 3000, 'every child to be gone');
  });
});
