import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ExoSimulator, startExoSimulator } from '../../src/exo-sim/index.ts';
import {
  createInstance,
  getJson,
  type Json,
  loadModel,
  runnerTags,
  SMALL,
  waitFor,
} from './helpers.ts';

describe('exo-sim load lifecycle', () => {
  let sim: ExoSimulator;
  before(async () => {
    sim = await startExoSimulator({ downloadMs: 400, loadMs: 500, warmupMs: 300, shutdownMs: 800 });
  });
  after(() => sim.close());

  test('/node_id is a bare JSON string and /v1/models lists the catalogue', async () => {
    const node = await getJson(sim, '/node_id');
    assert.equal(typeof node.body, 'string');

    const models = await getJson(sim, '/v1/models');
    assert.equal(models.body.object, 'list');
    const entry = models.body.data.find((m: Json) => m.id === SMALL);
    assert.equal(entry.hugging_face_id, SMALL);
    assert.equal(entry.owned_by, 'exo');
    assert.equal(entry.storage_size_megabytes, 696);
  });

  test('download, layer loading, warm-up and ready all show in /state', async () => {
    const id = await createInstance(sim);
    const seen = new Set<string>();
    let sawDownload = false;
    let sawPartialLayers = false;

    await waitFor(async () => {
      const { body: state } = await getJson(sim, '/state');
      const nodeDownloads = Object.values(state.downloads).flat() as Json[];
      if (nodeDownloads.some((d) => d.DownloadOngoing?.downloadProgress.downloaded.inBytes >= 0)) {
        sawDownload = true;
      }
      for (const tag of runnerTags(state, id)) seen.add(tag);
      const loading = Object.values(state.runners).find((r: Json) => r.RunnerLoading) as Json;
      if (loading && loading.RunnerLoading.layersLoaded < loading.RunnerLoading.totalLayers) {
        sawPartialLayers = true;
      }
      return seen.has('RunnerReady');
    });

    assert.ok(sawDownload, 'DownloadOngoing was visible');
    assert.ok(seen.has('RunnerIdle'), 'RunnerIdle while downloading');
    assert.ok(seen.has('RunnerLoading') && sawPartialLayers, 'RunnerLoading with progress');
    assert.ok(seen.has('RunnerWarmingUp'), 'RunnerWarmingUp');

    const { body: state } = await getJson(sim, '/state');
    const completed = (Object.values(state.downloads).flat() as Json[]).find(
      (d) => d.DownloadCompleted,
    );
    assert.equal(completed.DownloadCompleted.total.inBytes, 729_808_896);
    assert.deepEqual(sim.instances(), [{ instanceId: id, modelId: SMALL, status: 'ready' }]);

    await fetch(`${sim.url}/instance/${id}`, { method: 'DELETE' });
  });

  test('memory is taken by an instance and returned after DELETE, runners shut down first', async () => {
    const nodeId = (await getJson(sim, '/node_id')).body;
    const free = async () =>
      (await getJson(sim, `/state/nodeMemory/${nodeId}/ramAvailable/inBytes`)).body;
    await waitFor(
      async () =>
        (await getJson(sim, '/state/runners')).body &&
        Object.keys((await getJson(sim, '/state/runners')).body).length === 0,
    );
    const before = await free();

    const id = await loadModel(sim);
    assert.equal(await free(), before - 729_808_896);

    const deleted = await fetch(`${sim.url}/instance/${id}`, { method: 'DELETE' });
    const body: Json = await deleted.json();
    assert.equal(deleted.status, 200);
    assert.equal(body.message, 'Command received.');
    assert.equal(body.instance_id, id);
    assert.notEqual(body.command_id, id);

    const gone = await getJson(sim, `/instance/${id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.message, 'Instance not found');
    const runners = (await getJson(sim, '/state/runners')).body;
    assert.deepEqual(Object.values(runners), [{ RunnerShuttingDown: {} }]);

    await waitFor(async () => (await free()) === before);
    assert.deepEqual((await getJson(sim, '/state/runners')).body, {});
  });

  test('a second load skips the download: the files stay on disk', async () => {
    const id = await createInstance(sim);
    const { body: state } = await getJson(sim, '/state');
    assert.ok((Object.values(state.downloads).flat() as Json[]).every((d) => d.DownloadCompleted));
    await waitFor(() => sim.instances()[0]?.status === 'ready');
    const downloaded = await getJson(sim, '/v1/models?status=downloaded');
    assert.deepEqual(
      downloaded.body.data.map((m: Json) => m.id),
      [SMALL],
    );
    await fetch(`${sim.url}/instance/${id}`, { method: 'DELETE' });
  });

  test('/state sub-paths walk keys and answer EXO 404 for a missing path', async () => {
    const id = await createInstance(sim);
    const instance = await getJson(sim, `/state/instances/${id}`);
    assert.equal(instance.body.MlxRingInstance.instanceId, id);
    assert.deepEqual((await getJson(sim, `/instance/${id}`)).body, instance.body);

    const missing = await getJson(sim, '/state/instances/nope/x');
    assert.equal(missing.status, 404);
    assert.equal(
      missing.body.error.message,
      "unable to find path 'instances.nope.x' in state json",
    );

    // Up to v1.0.71 /instance/await is routed as an instance id.
    const awaitRoute = await getJson(sim, '/instance/await');
    assert.equal(awaitRoute.status, 404);
    assert.equal(awaitRoute.body.error.message, 'Instance not found');
    await fetch(`${sim.url}/instance/${id}`, { method: 'DELETE' });
  });

  test('unknown routes answer like the static mount and stats count control calls', async () => {
    const unknown = await getJson(sim, '/healthcheck');
    assert.deepEqual(unknown, { status: 404, body: { detail: 'Not Found' } });
    const post = await fetch(`${sim.url}/chat/completions`, { method: 'POST', body: '{}' });
    assert.equal(post.status, 405);
    assert.deepEqual(await post.json(), { detail: 'Method Not Allowed' });

    assert.ok(sim.stats.placementCalls >= 3);
    assert.equal(sim.stats.createInstanceCalls, sim.stats.placementCalls);
    assert.ok(sim.requests.some((r) => r.method === 'DELETE' && r.path.startsWith('/instance/')));
  });
});
