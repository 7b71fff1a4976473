import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ExoSimulator, startExoSimulator } from '../../src/exo-sim/index.ts';
import { createInstance, getJson, HUGE, type Json, postJson, SMALL, waitFor } from './helpers.ts';

const GIB = 1024 ** 3;
const MID = 'mlx-community/Qwen3-30B-A3B-4bit';

describe('exo-sim placement', () => {
  let sim: ExoSimulator;
  before(async () => {
    sim = await startExoSimulator({ downloadMs: 0, loadMs: 0, warmupMs: 0, shutdownMs: 0 });
  });
  after(() => sim.close());

  test('a model that does not fit gets EXO’s placement message as a 400 envelope', async () => {
    const res = await getJson(sim, `/instance/placement?model_id=${encodeURIComponent(HUGE)}`);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      error: {
        message: 'No cycles found with sufficient memory',
        type: 'Bad Request',
        param: null,
        code: 400,
      },
    });
  });

  test('POST /instance checks the model against the sum of available RAM', async () => {
    const placement = await getJson(
      sim,
      `/instance/placement?model_id=${encodeURIComponent(SMALL)}`,
    );
    const body = structuredClone(placement.body);
    body.MlxRingInstance.shardAssignments.modelId = HUGE;

    const res = await postJson(sim, '/instance', { instance: body });
    assert.equal(res.status, 400);
    assert.equal(
      res.body.error.message,
      'Insufficient memory to create instance. Required: 378.0GB, Available: 64.0GB',
    );
  });

  test('snake_case instance objects are accepted too', async () => {
    const placement = await getJson(
      sim,
      `/instance/placement?model_id=${encodeURIComponent(SMALL)}`,
    );
    const inner = placement.body.MlxRingInstance;
    const snake = {
      MlxRingInstance: {
        instance_id: inner.instanceId,
        shard_assignments: {
          model_id: SMALL,
          runner_to_shard: inner.shardAssignments.runnerToShard,
          node_to_runner: inner.shardAssignments.nodeToRunner,
        },
      },
    };
    const res = await postJson(sim, '/instance', { instance: snake });
    assert.equal(res.status, 200);
    assert.equal(res.body.model_card.modelId, SMALL);
    await waitFor(
      () => sim.instances().find((i) => i.instanceId === inner.instanceId)?.status === 'ready',
    );
    await fetch(`${sim.url}/instance/${inner.instanceId}`, { method: 'DELETE' });
  });

  test('placement uses available RAM: a loaded model can make the next one not fit', async () => {
    const small = await startExoSimulator({
      nodes: [{ name: 'mini', memoryBytes: 20 * GIB }],
      downloadMs: 0,
      loadMs: 0,
      warmupMs: 0,
    });
    try {
      const first = await createInstance(small, MID);
      const second = await getJson(
        small,
        `/instance/placement?model_id=${encodeURIComponent(MID)}`,
      );
      assert.equal(second.status, 400);
      assert.equal(second.body.error.message, 'No cycles found with sufficient memory');
      assert.ok(first);
    } finally {
      await small.close();
    }
  });

  test('/place_instance answers "Command received." even when placement fails (#1089)', async () => {
    const res = await postJson(sim, '/place_instance', { model_id: HUGE });
    assert.equal(res.status, 200);
    assert.equal(res.body.message, 'Command received.');
    assert.equal(res.body.instance_id, undefined);
    assert.equal(sim.instances().filter((i) => i.modelId === HUGE).length, 0);

    const ok = await postJson(sim, '/place_instance', { model_id: SMALL });
    assert.equal(ok.status, 200);
    await waitFor(() => sim.instances().find((i) => i.modelId === SMALL));
  });

  test('an id outside the catalogue is an unhandled 500 (EXO tries Hugging Face)', async () => {
    const res = await fetch(`${sim.url}/instance/placement?model_id=llama-3.2-1b`);
    assert.equal(res.status, 500);
    assert.equal(await res.text(), 'Internal Server Error');
  });

  test('a model too big for one node spreads its layers over two', async () => {
    const pair = await startExoSimulator({
      nodes: [
        { name: 'studio', memoryBytes: 12 * GIB },
        { name: 'mini', memoryBytes: 8 * GIB },
      ],
      downloadMs: 0,
      loadMs: 0,
      warmupMs: 0,
    });
    try {
      const res = await getJson(pair, `/instance/placement?model_id=${encodeURIComponent(MID)}`);
      assert.equal(res.status, 200);
      const shards = Object.values(
        res.body.MlxRingInstance.shardAssignments.runnerToShard,
      ) as Json[];
      const layers = shards.map((s) => [
        s.PipelineShardMetadata.startLayer,
        s.PipelineShardMetadata.endLayer,
      ]);
      assert.equal(layers.length, 2);
      assert.equal(layers[0]![0], 0);
      assert.equal(layers[1]![1], 48);
      assert.equal(layers[0]![1], layers[1]![0]);

      const previews = await getJson(
        pair,
        `/instance/previews?model_id=${encodeURIComponent(MID)}`,
      );
      const fits = previews.body.previews.filter((p: Json) => p.error === null);
      assert.ok(fits.length > 0);
      assert.equal(previews.body.previews[0].error, 'No cycles found with sufficient memory');

      const rdma = await getJson(
        pair,
        `/instance/placement?model_id=${encodeURIComponent(MID)}&instance_meta=MlxJaccl`,
      );
      assert.equal(
        rdma.body.error.message,
        'Requested RDMA (MlxJaccl) but no RDMA-connected cycles available',
      );
    } finally {
      await pair.close();
    }
  });

  test('previews of an unknown model fail to load the card', async () => {
    const res = await getJson(sim, '/instance/previews?model_id=llama-3.2-1b');
    assert.equal(res.status, 400);
    assert.equal(res.body.error.message, 'Failed to load model card: llama-3.2-1b');
  });

  test('createInstanceDirectly makes an instance without counting as a router call', async () => {
    const before = { ...sim.stats };
    const id = await sim.createInstanceDirectly(SMALL);
    assert.ok(sim.instances().some((i) => i.instanceId === id));
    assert.deepEqual(sim.stats, before);
    await assert.rejects(
      sim.createInstanceDirectly(HUGE),
      /No cycles found with sufficient memory/,
    );
  });
});
