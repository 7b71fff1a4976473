import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { type ExoSimulator, startExoSimulator } from '@llm-lab/testkit/exo-sim';
import { createExoClient } from '../../src/exo/exo-client.ts';

const LLAMA = 'mlx-community/Llama-3.2-1B-Instruct-4bit';
let sim: ExoSimulator;
before(async () => {
  sim = await startExoSimulator({ downloadMs: 30, loadMs: 30, warmupMs: 10 });
});
after(() => sim.close());

const client = () => createExoClient({ baseUrl: sim.url, requestTimeoutMs: 2000 });

test('nodeId, models and a full placement → create → get → delete round trip', async () => {
  const exo = client();
  assert.match(await exo.nodeId(), /^12D3KooW/);
  const llama = (await exo.models()).find((m) => m.id === LLAMA);
  assert.equal(llama?.storageBytes, 696 * 1024 * 1024, 'storage_size_megabytes read as MiB');

  const placed = await exo.placement({
    modelId: LLAMA,
    sharding: 'Pipeline',
    instanceType: 'MlxRing',
    minNodes: 1,
  });
  assert.ok(placed.ok);
  assert.equal(placed.value.modelId, LLAMA);
  assert.equal(placed.value.runnerIds.length, 1);

  assert.deepEqual(await exo.createInstance(placed.value), { ok: true, value: true });
  const state = await exo.state();
  assert.equal(state.instances.get(placed.value.instanceId)?.modelId, LLAMA);
  assert.equal((await exo.getInstance(placed.value.instanceId))?.tag, 'MlxRingInstance');

  assert.equal(await exo.deleteInstance(placed.value.instanceId), true);
  assert.equal(await exo.deleteInstance('no-such-instance'), false);
  assert.equal(await exo.getInstance('no-such-instance'), undefined);
});

test('a placement EXO refuses is an answer carrying its message', async () => {
  const placed = await client().placement({
    modelId: 'mlx-community/DeepSeek-V3.1-4bit',
    sharding: 'Pipeline',
    instanceType: 'MlxRing',
    minNodes: 1,
  });
  assert.deepEqual(placed, {
    ok: false,
    status: 400,
    message: 'No cycles found with sufficient memory',
  });
});

test('an EXO nobody listens on is exo_unreachable naming the URL', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));

  const exo = createExoClient({ baseUrl: `http://127.0.0.1:${port}`, requestTimeoutMs: 2000 });
  await assert.rejects(exo.state(), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'exo_unreachable');
    assert.match(err.message, new RegExp(`unreachable at http://127.0.0.1:${port}: GET /state`));
    assert.match(err.message, /ECONNREFUSED/);
    return true;
  });
});

test('an EXO that never answers is exo_unreachable after exo.requestTimeout', async () => {
  const hung = createServer(() => {});
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  const { port } = hung.address() as AddressInfo;
  try {
    const exo = createExoClient({ baseUrl: `http://127.0.0.1:${port}`, requestTimeoutMs: 200 });
    await assert.rejects(
      exo.nodeId(),
      /no answer to GET \/node_id within exo.requestTimeout 200ms/,
    );
  } finally {
    hung.closeAllConnections();
    await new Promise((resolve) => hung.close(resolve));
  }
});

test('an EXO 0.x server is recognised and reported as such', async () => {
  sim.faults.legacyServer = true;
  try {
    await assert.rejects(client().state(), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'exo_error');
      assert.match(err.message, /is a 0\.x server .* needs EXO 1\.x/);
      return true;
    });
    await assert.rejects(client().nodeId(), /0\.x server/);
  } finally {
    sim.faults.legacyServer = false;
  }
});

test('an id EXO cannot resolve (its unhandled 500) is exo_error with a hint', async () => {
  await assert.rejects(
    client().placement({
      modelId: 'mlx-community/No-Such-Model',
      sharding: 'Pipeline',
      instanceType: 'MlxRing',
      minNodes: 1,
    }),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'exo_error');
      assert.match(err.message, /GET \/instance\/placement with 500: Internal Server Error/);
      assert.match(err.message, /is mlx-community\/No-Such-Model a model id EXO knows/);
      return true;
    },
  );
});
