import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { GIB, type Harness, noSignal, startHarness, statusOf } from './harness.ts';

let h: Harness | undefined;
afterEach(() => h?.close());

const acquire = (name: string) => h!.manager.acquire(name, { signal: noSignal() });

test('when memory is short, the least recently used idle model is evicted and placement retried', async () => {
  h = await startHarness({ sim: { nodes: [{ name: 'mac-mini', memoryBytes: 18 * GIB }] } });
  (await acquire('llama-1b')).release();
  (await acquire('qwen-30b')).release();

  const lease = await acquire('llama-3b');
  assert.equal(statusOf(h.manager, 'llama-1b').state, 'unloaded', 'the LRU idle model went');
  assert.equal(statusOf(h.manager, 'qwen-30b').state, 'ready', 'the more recent one stayed');
  assert.equal(h.sim.stats.placementCalls, 4);
  lease.release();

  const spans = await h.spans('exo_router.model.load');
  const load3b = spans.find((s) => s.attributes['gen_ai.request.model'] === 'llama-3b');
  assert.deepEqual(load3b?.attributes['exo_router.load.evicted_models'], ['llama-1b']);
  const evictions = (await h.metrics()).get('exo_router.model.evictions');
  assert.deepEqual(
    evictions?.map((p) => [p.attributes['gen_ai.request.model'], p.attributes.reason, p.value]),
    [['llama-1b', 'memory', 1]],
  );
});

test('a busy model is never evicted: placement fails with EXO message and says why', async () => {
  h = await startHarness({ sim: { nodes: [{ name: 'mac-mini', memoryBytes: 17 * GIB }] } });
  const busy = await acquire('qwen-30b');

  await assert.rejects(acquire('llama-3b'), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'placement_failed');
    assert.match(err.message, /No cycles found with sufficient memory/);
    assert.match(err.message, /busy models are never evicted: qwen-30b/);
    return true;
  });
  assert.equal(statusOf(h.manager, 'qwen-30b').state, 'ready');
  assert.equal(h.sim.stats.deleteInstanceCalls, 0);
  busy.release();
});

test('a model pinned with a negative keep_alive is never evicted for memory', async () => {
  h = await startHarness({ sim: { nodes: [{ name: 'mac-mini', memoryBytes: 17 * GIB }] } });
  const pin = await h.manager.acquire('qwen-30b', {
    signal: noSignal(),
    keepAlive: { kind: 'forever' },
  });
  pin.release();

  await assert.rejects(acquire('llama-3b'), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'placement_failed');
    assert.match(err.message, /pinned models \(keep_alive < 0\) are never evicted: qwen-30b/);
    return true;
  });
  assert.equal(statusOf(h.manager, 'qwen-30b').state, 'ready');
  assert.equal(h.sim.stats.deleteInstanceCalls, 0);
});

test('a model bigger than the whole cluster fails at once and evicts no idle model', async () => {
  const nodes = [
    { name: 'mac-studio', memoryBytes: 128 * GIB },
    { name: 'mac-mini', memoryBytes: 24 * GIB },
  ];
  h = await startHarness({ sim: { nodes } });
  (await acquire('llama-1b')).release();
  (await acquire('llama-3b')).release();
  const deletesBefore = h.sim.stats.deleteInstanceCalls;

  const deepseekBytes = 405_874_409_472; // the simulator's DeepSeek-V3.1-4bit
  const needs = ((Math.round(deepseekBytes / 1024 / 1024) * 1024 * 1024) / 1e9).toFixed(1);
  const has = ((152 * GIB) / 1e9).toFixed(1);
  await assert.rejects(acquire('deepseek'), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'placement_failed');
    assert.match(err.message, /No cycles found with sufficient memory/);
    assert.ok(
      err.message.includes(
        `needs ${needs} GB and the cluster has ${has} GB in all, so no unload could make it fit`,
      ),
      err.message,
    );
    return true;
  });
  assert.equal(statusOf(h.manager, 'llama-1b').state, 'ready', 'idle llama-1b stayed');
  assert.equal(statusOf(h.manager, 'llama-3b').state, 'ready', 'idle llama-3b stayed');
  assert.equal(h.sim.stats.deleteInstanceCalls, deletesBefore, 'no EXO DELETE was sent');
  const state = (await (await fetch(`${h.sim.url}/state`)).json()) as { instances: object };
  assert.equal(Object.keys(state.instances).length, 2, 'EXO still holds both instances');
});
