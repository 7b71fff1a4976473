import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { type Harness, LLAMA_1B, noSignal, startHarness, statusOf, waitFor } from './harness.ts';

let h: Harness | undefined;
afterEach(() => h?.close());

test('an acquire during unloading waits for EXO to confirm, then loads again', async () => {
  h = await startHarness({ sim: { shutdownMs: 400 } });
  const first = await h.manager.acquire('llama-1b', { signal: noSignal() });
  first.release({ keepAlive: { kind: 'unload-now' } });
  assert.equal(statusOf(h.manager, 'llama-1b').state, 'unloading');

  const second = await h.manager.acquire('llama-1b', { signal: noSignal() });
  assert.notEqual(second.instanceId, first.instanceId);
  assert.equal(h.sim.stats.createInstanceCalls, 2);
  assert.deepEqual(
    h.sim.instances().map((i) => i.instanceId),
    [second.instanceId],
    'the old instance was gone before the new one was created',
  );
  second.release();
});

test('admin unload waits until the instance answers 404 and its runners left /state', async () => {
  h = await startHarness({ sim: { shutdownMs: 300 } });
  const lease = await h.manager.acquire('llama-1b', { signal: noSignal() });
  lease.release();

  await h.manager.unload('llama-1b', 'admin');
  const state = (await (await fetch(`${h.sim.url}/state`)).json()) as {
    runners: Record<string, unknown>;
  };
  assert.deepEqual(Object.keys(state.runners), []);
  const instance = await fetch(`${h.sim.url}/instance/${lease.instanceId}`);
  assert.equal(instance.status, 404);
  assert.equal(statusOf(h.manager, 'llama-1b').state, 'unloaded');
});

test('at start-up a ready instance in EXO is adopted, not duplicated', async () => {
  h = await startHarness();
  const existing = await h.sim.createInstanceDirectly(LLAMA_1B);
  await waitFor('the existing instance ready', () => h!.sim.instances()[0]?.status === 'ready');

  await h.manager.adoptExisting();
  const status = statusOf(h.manager, 'llama-1b');
  assert.equal(status.state, 'ready');
  assert.equal(status.instanceId, existing);

  const lease = await h.manager.acquire('llama-1b', { signal: noSignal() });
  assert.equal(lease.instanceId, existing);
  assert.equal(h.sim.stats.createInstanceCalls, 0);
  lease.release();
  const [span] = await h.spans('exo_router.model.load');
  assert.equal(span?.attributes['exo_router.load.kind'], 'adopted');
});

test('an instance that appears in EXO while unloaded is adopted on demand, even mid-load', async () => {
  h = await startHarness({ sim: { loadMs: 300 } });
  const existing = await h.sim.createInstanceDirectly(LLAMA_1B);

  const leases = await Promise.all(
    Array.from({ length: 5 }, () => h!.manager.acquire('llama-small', { signal: noSignal() })),
  );
  assert.ok(leases.every((lease) => lease.instanceId === existing));
  assert.equal(h.sim.stats.createInstanceCalls, 0);
  assert.equal(h.sim.instances().length, 1);
  for (const lease of leases) lease.release();
});

test('an aborted waiter is rejected at once; the load goes on for the others', async () => {
  h = await startHarness({ sim: { loadMs: 300 } });
  const controller = new AbortController();
  const aborted = h.manager.acquire('llama-1b', { signal: controller.signal });
  const kept = h.manager.acquire('llama-1b', { signal: noSignal() });
  controller.abort(new Error('client went away'));

  await assert.rejects(aborted, /client went away/);
  assert.equal(statusOf(h.manager, 'llama-1b').queued, 1);
  const lease = await kept;
  assert.equal(statusOf(h.manager, 'llama-1b').queued, 0);
  lease.release();
});
