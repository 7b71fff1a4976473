import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { type Harness, noSignal, startHarness, statusOf, waitFor } from './harness.ts';

let h: Harness | undefined;
afterEach(() => h?.close());

function rejectsWith(code: string, pattern: RegExp) {
  return (err: Error & { code?: string }) => {
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    return true;
  };
}

test('a model that cannot be placed gets EXO placement message verbatim, fast', async () => {
  h = await startHarness();
  const started = Date.now();
  await assert.rejects(
    h.manager.acquire('deepseek', { signal: noSignal() }),
    rejectsWith('placement_failed', /: No cycles found with sufficient memory$/),
  );
  assert.ok(Date.now() - started < 4000);
  assert.equal(h.sim.stats.createInstanceCalls, 0);
  const [span] = await h.spans('exo_router.model.load');
  assert.equal(span?.attributes['exo_router.load.outcome'], 'placement_failed');
  assert.equal(statusOf(h.manager, 'deepseek').lastError?.code, 'placement_failed');
});

test('loading that stops progressing fails after the stall window and deletes its instance', async () => {
  h = await startHarness({
    sim: { loadMs: 3000 },
    config: { defaults: { stallTimeout: '300ms' } },
  });
  h.sim.faults.loadingStalls = true;

  await assert.rejects(
    h.manager.acquire('llama-1b', { signal: noSignal() }),
    rejectsWith('load_stalled', /no progress for stallTimeout 300ms; last progress: loading/),
  );
  await waitFor('the stalled instance deleted', () => h!.sim.instances().length === 0);
  assert.equal(statusOf(h.manager, 'llama-1b').state, 'unloaded');

  h.sim.faults.loadingStalls = false;
  h.sim.set({ loadMs: 60 });
  const lease = await h.manager.acquire('llama-1b', { signal: noSignal() });
  lease.release();
});

test('a load slower than loadTimeout fails with load_timeout even while progressing', async () => {
  h = await startHarness({ sim: { loadMs: 5000 }, config: { defaults: { loadTimeout: '500ms' } } });
  const started = Date.now();
  await assert.rejects(
    h.manager.acquire('llama-1b', { signal: noSignal() }),
    rejectsWith('load_timeout', /did not finish within loadTimeout 500ms/),
  );
  assert.ok(Date.now() - started < 4000);
  await waitFor('the timed-out instance deleted', () => h!.sim.instances().length === 0);
});

test('RunnerFailed rejects every waiter with EXO reason; the next acquire retries and succeeds', async () => {
  h = await startHarness({ sim: { loadMs: 200 } });
  h.sim.faults.runnerFailed = 'Terminated (signal=9 (Killed))';

  const waiters = Array.from({ length: 3 }, () =>
    h!.manager.acquire('llama-1b', { signal: noSignal() }),
  );
  for (const waiter of waiters) {
    await assert.rejects(waiter, rejectsWith('load_failed', /failed: Terminated \(signal=9/));
  }
  assert.equal(h.sim.stats.createInstanceCalls, 1);
  await waitFor('the failed instance deleted', () => h!.sim.instances().length === 0);

  h.sim.faults.runnerFailed = false;
  const lease = await h.manager.acquire('llama-1b', { signal: noSignal() });
  assert.equal(h.sim.stats.createInstanceCalls, 2);
  assert.equal(statusOf(h.manager, 'llama-1b').lastError, undefined);
  lease.release();
});

test('a sticky DownloadFailed is a terminal load failure each time, never a hang', async () => {
  h = await startHarness({ sim: { downloadMs: 200 } });
  h.sim.faults.downloadFailed = 'Model files not found locally in offline mode';

  for (let attempt = 0; attempt < 2; attempt++) {
    await assert.rejects(
      h.manager.acquire('llama-1b', { signal: noSignal() }),
      rejectsWith('load_failed', /download of .* failed on node .*offline mode/),
    );
  }
  await waitFor('no instance left', () => h!.sim.instances().length === 0);
});

test('a runner that vanishes under a ready model is noticed, deleted and reloaded', async () => {
  h = await startHarness({ healthIntervalMs: 100 });
  const first = await h.manager.acquire('llama-1b', { signal: noSignal() });
  first.release();

  h.sim.faults.vanishRunner = true;
  await waitFor(
    'the broken model unloaded',
    () => statusOf(h!.manager, 'llama-1b').state === 'unloaded',
  );
  assert.match(statusOf(h.manager, 'llama-1b').lastError?.message ?? '', /vanished/);
  await waitFor('the broken instance deleted', () => h!.sim.instances().length === 0);

  h.sim.faults.vanishRunner = false;
  const second = await h.manager.acquire('llama-1b', { signal: noSignal() });
  assert.notEqual(second.instanceId, first.instanceId);
  second.release();
});

test('an instance EXO deletes behind the router is reloaded after reportMissingInstance', async () => {
  h = await startHarness();
  const first = await h.manager.acquire('llama-1b', { signal: noSignal() });
  await fetch(`${h.sim.url}/instance/${first.instanceId}`, { method: 'DELETE' });
  await h.manager.reportMissingInstance('llama-1b', first);
  first.release();
  assert.equal(statusOf(h.manager, 'llama-1b').state, 'unloaded');

  const second = await h.manager.acquire('llama-1b', { signal: noSignal() });
  assert.notEqual(second.instanceId, first.instanceId);
  second.release();
});
