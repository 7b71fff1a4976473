import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { type Harness, noSignal, startHarness, statusOf } from './harness.ts';

let h: Harness | undefined;
afterEach(() => h?.close());

test('with EXO unreachable an acquire fails fast with exo_unreachable naming the URL', async () => {
  h = await startHarness();
  h.sim.faults.unreachable = true;

  await assert.rejects(
    h.manager.acquire('llama-1b', { signal: noSignal() }),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'exo_unreachable');
      assert.ok(err.message.includes(`EXO is unreachable at ${h!.sim.url}`), err.message);
      return true;
    },
  );
  assert.equal(statusOf(h.manager, 'llama-1b').state, 'unloaded');
  assert.equal(statusOf(h.manager, 'llama-1b').lastError?.code, 'exo_unreachable');

  const reach = await h.manager.exoReachable();
  assert.equal(reach.ok, false);
  assert.ok(reach.detail.includes(h.sim.url));
  await h.manager.adoptExisting();
  assert.ok(h.logs.some((l) => l.level === 'warn' && /start-up/.test(l.msg)));

  h.sim.faults.unreachable = false;
  const lease = await h.manager.acquire('llama-1b', { signal: noSignal() });
  lease.release();
});

test('against an EXO 0.x server the router says so instead of loading', async () => {
  h = await startHarness();
  h.sim.faults.legacyServer = true;

  await assert.rejects(h.manager.acquire('llama-1b', { signal: noSignal() }), /0\.x server/);
  const reach = await h.manager.exoReachable();
  assert.equal(reach.ok, false);
  assert.match(reach.detail, /0\.x server/);
});
