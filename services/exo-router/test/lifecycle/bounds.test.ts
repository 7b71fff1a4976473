import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { type Harness, noSignal, startHarness, statusOf } from './harness.ts';

let h: Harness | undefined;
afterEach(() => h?.close());

test('an unload EXO never confirms ends after unloadConfirmMs with exo_error', async () => {
  h = await startHarness({ sim: { shutdownMs: 5000 }, unloadConfirmMs: 300 });
  (await h.manager.acquire('llama-1b', { signal: noSignal() })).release();

  const started = Date.now();
  await assert.rejects(h.manager.unload('llama-1b', 'admin'), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'exo_error');
    assert.match(err.message, /did not confirm instance .* gone within 300ms/);
    return true;
  });
  assert.ok(Date.now() - started < 4000);
  assert.equal(statusOf(h.manager, 'llama-1b').state, 'unloaded');
});

test('close() abandons a load in progress without deleting its instance', async () => {
  h = await startHarness({ sim: { loadMs: 5000 } });
  const pending = h.manager.acquire('llama-1b', { signal: noSignal() });
  await new Promise((resolve) => setTimeout(resolve, 200));

  await h.manager.close();
  await assert.rejects(pending, /shutting down/);
  assert.equal(h.sim.stats.deleteInstanceCalls, 0);
  assert.equal(h.sim.instances().length, 1);
});

test('a reconfigure that changes nothing keeps loaded models and their leases', async () => {
  h = await startHarness();
  const lease = await h.manager.acquire('llama-1b', { signal: noSignal() });
  h.manager.reconfigure(h.config);

  assert.equal(statusOf(h.manager, 'llama-1b').state, 'ready');
  assert.equal(statusOf(h.manager, 'llama-1b').inFlight, 1);
  const again = await h.manager.acquire('llama-1b', { signal: noSignal() });
  assert.equal(again.instanceId, lease.instanceId);
  assert.equal(h.sim.stats.createInstanceCalls, 1);
  lease.release();
  again.release();
});
