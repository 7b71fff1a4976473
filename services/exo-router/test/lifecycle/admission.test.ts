import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { parseConfig } from '../../src/config.ts';
import {
  defaultModels,
  type Harness,
  noSignal,
  startHarness,
  statusOf,
  waitFor,
} from './harness.ts';

let h: Harness | undefined;
afterEach(() => h?.close());

test('over maxQueue (in flight + waiting) an acquire is queue_full with a retry delay', async () => {
  h = await startHarness({ config: { defaults: { maxQueue: 3 } } });
  const waiting = [1, 2].map(() => h!.manager.acquire('llama-1b', { signal: noSignal() }));
  const third = await h.manager.acquire('llama-1b', { signal: noSignal() });
  const held = [third, ...(await Promise.all(waiting))];

  await assert.rejects(
    h.manager.acquire('llama-1b', { signal: noSignal() }),
    (err: Error & { code?: string; retryAfterSeconds?: number }) => {
      assert.equal(err.code, 'queue_full');
      assert.equal(err.retryAfterSeconds, 1);
      assert.match(err.message, /3 requests in flight and 0 waiting \(maxQueue 3\)/);
      return true;
    },
  );
  held[0]?.release();
  const again = await h.manager.acquire('llama-1b', { signal: noSignal() });
  for (const lease of [again, ...held]) lease.release();
});

test('reconfigure: a removed model finishes its leases, then unloads; new settings apply', async () => {
  h = await startHarness();
  const lease = await h.manager.acquire('llama-1b', { signal: noSignal() });
  (await h.manager.acquire('llama-3b', { signal: noSignal() })).release();

  const { 'llama-1b': _removed, ...rest } = defaultModels;
  h.manager.reconfigure(
    parseConfig(
      {
        exo: { baseUrl: h.sim.url, requestTimeout: '2s' },
        defaults: { ttl: '30m' },
        models: { ...rest, 'llama-3b': { ...rest['llama-3b'], ttl: '200ms' } },
      },
      { env: {} },
    ),
  );
  assert.equal(h.manager.has('llama-1b'), false);
  assert.equal(h.manager.has('llama-small'), false);

  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(h.sim.instances().length, 1, 'the removed model still serves its lease');
  assert.equal(h.sim.instances()[0]?.instanceId, lease.instanceId, 'llama-3b took its new ttl');

  lease.release();
  await waitFor('the removed model unloaded', () => h!.sim.instances().length === 0);
  assert.equal(statusOf(h.manager, 'llama-3b').state, 'unloaded');
});

test('exoReachable names a 1.x node and never loads anything', async () => {
  h = await startHarness();
  const reach = await h.manager.exoReachable();
  assert.equal(reach.ok, true);
  assert.match(reach.detail, /EXO 1\.x at http:\/\/127\.0\.0\.1:\d+ answers \(node /);
  assert.equal(h.sim.stats.placementCalls, 0);
});
