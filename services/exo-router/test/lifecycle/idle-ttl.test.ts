import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { type Harness, noSignal, startHarness, statusOf, waitFor } from './harness.ts';

let h: Harness | undefined;
afterEach(() => h?.close());

const ttlConfig = { defaults: { ttl: '300ms' } };

test('the idle TTL unloads after the last release, and EXO confirms the instance gone', async () => {
  h = await startHarness({ config: ttlConfig });
  const lease = await h.manager.acquire('llama-1b', { signal: noSignal() });
  const releasedAt = Date.now();
  lease.release();

  const idleUntil = Date.parse(statusOf(h.manager, 'llama-1b').idleUntil ?? '');
  assert.ok(Math.abs(idleUntil - (releasedAt + 300)) < 150, 'idleUntil = last release + ttl');

  await waitFor('the TTL unload', () => statusOf(h!.manager, 'llama-1b').state === 'unloaded');
  assert.ok(Date.now() - releasedAt >= 280, 'not before the TTL');
  assert.equal(h.sim.instances().length, 0);
  assert.equal(h.sim.stats.deleteInstanceCalls, 1);
  const evictions = (await h.metrics()).get('exo_router.model.evictions');
  assert.equal(evictions?.[0]?.attributes.reason, 'ttl');
});

test('no TTL unload while a lease is held; the clock starts at its release', async () => {
  h = await startHarness({ config: ttlConfig });
  const lease = await h.manager.acquire('llama-1b', { signal: noSignal() });

  await new Promise((resolve) => setTimeout(resolve, 700));
  assert.equal(statusOf(h.manager, 'llama-1b').state, 'ready');
  assert.equal(statusOf(h.manager, 'llama-1b').idleUntil, null);
  assert.equal(h.sim.stats.deleteInstanceCalls, 0);

  lease.release();
  await waitFor('the TTL unload', () => statusOf(h!.manager, 'llama-1b').state === 'unloaded');
});

test('a load nobody leases counts its TTL from "became ready"', async () => {
  h = await startHarness({ config: ttlConfig });
  const status = await h.manager.load('llama-1b');
  assert.equal(status.state, 'ready');
  assert.ok(status.idleUntil);
  await waitFor('the TTL unload', () => statusOf(h!.manager, 'llama-1b').state === 'unloaded');
});

test('keep_alive 0 unloads right after the response', async () => {
  h = await startHarness();
  const lease = await h.manager.acquire('llama-1b', {
    signal: noSignal(),
    keepAlive: { kind: 'unload-now' },
  });
  assert.equal(statusOf(h.manager, 'llama-1b').state, 'ready');
  lease.release();

  await waitFor(
    'the keep_alive unload',
    () => statusOf(h!.manager, 'llama-1b').state === 'unloaded',
  );
  const evictions = (await h.metrics()).get('exo_router.model.evictions');
  assert.equal(evictions?.[0]?.attributes.reason, 'keep_alive');
});

test('keep_alive duration replaces the ttl, and the latest value wins', async () => {
  h = await startHarness();
  const first = await h.manager.acquire('llama-1b', {
    signal: noSignal(),
    keepAlive: { kind: 'duration', ms: 60_000 },
  });
  first.release();
  const idleUntil = Date.parse(statusOf(h.manager, 'llama-1b').idleUntil ?? '');
  assert.ok(idleUntil - Date.now() > 50_000 && idleUntil - Date.now() <= 60_000);

  const second = await h.manager.acquire('llama-1b', { signal: noSignal() });
  second.release({ keepAlive: { kind: 'duration', ms: 250 } });
  await waitFor(
    'the short keep_alive',
    () => statusOf(h!.manager, 'llama-1b').state === 'unloaded',
  );
});

test('negative keep_alive pins the model: no idle deadline', async () => {
  h = await startHarness({ config: ttlConfig });
  const lease = await h.manager.acquire('llama-1b', {
    signal: noSignal(),
    keepAlive: { kind: 'forever' },
  });
  lease.release();
  assert.equal(statusOf(h.manager, 'llama-1b').idleUntil, null);

  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal(statusOf(h.manager, 'llama-1b').state, 'ready');

  await h.manager.unload('llama-1b', 'admin');
  assert.equal(statusOf(h.manager, 'llama-1b').state, 'unloaded');
  assert.equal(h.sim.instances().length, 0);
});
