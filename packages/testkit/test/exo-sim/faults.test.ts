import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { type ExoSimulator, startExoSimulator } from '../../src/exo-sim/index.ts';
import {
  chatBody,
  createInstance,
  getJson,
  type Json,
  loadModel,
  postJson,
  readStream,
  runnerTags,
  SMALL,
  waitFor,
} from './helpers.ts';

describe('exo-sim fault switches', () => {
  let sim: ExoSimulator;
  beforeEach(async () => {
    sim = await startExoSimulator({
      downloadMs: 50,
      loadMs: 100,
      warmupMs: 20,
      retryBackoffMs: 200,
      maxInstanceRetries: 2,
      keepAliveMs: 50,
      tokensPerSecond: 200,
    });
  });
  afterEach(() => sim.close());

  test('runnerFailed: RunnerFailed with the message, retried, then the instance is deleted', async () => {
    sim.faults.runnerFailed = 'Terminated (signal=9 (Killed))';
    const id = await createInstance(sim);

    const statuses = new Set<string>();
    const state = await waitFor(async () => {
      statuses.add(sim.instances()[0]?.status ?? 'gone');
      const { body } = await getJson(sim, '/state');
      return runnerTags(body, id).includes('RunnerFailed') && body;
    });
    const failed = Object.values(state.runners)[0] as Json;
    assert.equal(failed.RunnerFailed.errorMessage, 'Terminated (signal=9 (Killed))');
    await waitFor(() => {
      statuses.add(sim.instances()[0]?.status ?? 'gone');
      return statuses.has('failed');
    });

    // After maxInstanceRetries failures the worker deletes the instance (EXO #1763).
    await waitFor(async () => (await getJson(sim, `/instance/${id}`)).status === 404);
  });

  test('runnerFailed while generating: error event then [DONE] on a stream, 500 otherwise', async () => {
    await loadModel(sim);
    sim.set({ tokensPerSecond: 20 });
    const crash = failWhenRunning(sim, 'Terminated (signal=9 (Killed))');
    const stream = await readStream(
      sim,
      '/v1/chat/completions',
      chatBody({ stream: true, max_tokens: 40 }),
    );

    const last = stream.data.slice(-2);
    assert.equal(last[1], '[DONE]');
    assert.deepEqual(JSON.parse(last[0]!), {
      error: {
        message: 'Runner shutdown before completing command (signal=9 (Killed))',
        type: 'InternalServerError',
        code: 500,
      },
    });

    sim.faults.runnerFailed = false;
    await waitFor(() => sim.instances()[0]?.status === 'ready');
    await crash;
    const crashAgain = failWhenRunning(sim, 'boom');
    const plain = await postJson(sim, '/v1/chat/completions', chatBody({ max_tokens: 40 }));
    await crashAgain;
    assert.equal(plain.status, 500);
    assert.equal(plain.text, 'Internal Server Error');
  });

  test('downloadFailed is sticky until DELETE /download/{node}/{model}', async () => {
    sim.faults.downloadFailed = 'Model files not found locally in offline mode';
    const id = await createInstance(sim);
    const nodeId = (await getJson(sim, '/node_id')).body;

    const downloads = await waitFor(async () => {
      const { body } = await getJson(sim, `/state/downloads/${nodeId}`);
      return body[0]?.DownloadFailed && body;
    });
    assert.equal(
      downloads[0].DownloadFailed.errorMessage,
      'Model files not found locally in offline mode',
    );
    assert.equal(
      downloads[0].DownloadFailed.shardMetadata.PipelineShardMetadata.modelCard.modelId,
      SMALL,
    );

    sim.faults.downloadFailed = false;
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(sim.instances()[0]?.status, 'download_failed');
    assert.deepEqual(runnerTags((await getJson(sim, '/state')).body, id), ['RunnerIdle']);

    const reset = await fetch(`${sim.url}/download/${nodeId}/${SMALL}`, { method: 'DELETE' });
    assert.equal(reset.status, 200);
    await waitFor(() => sim.instances()[0]?.status === 'ready');
  });

  test('loadingStalls: RunnerLoading stops progressing until the switch is cleared', async () => {
    sim.faults.loadingStalls = true;
    const id = await createInstance(sim);
    const layers = async () => {
      const { body } = await getJson(sim, '/state/runners');
      return (Object.values(body)[0] as Json)?.RunnerLoading?.layersLoaded as number | undefined;
    };
    const first = await waitFor(async () =>
      (await layers()) !== undefined ? { v: await layers() } : false,
    );
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(await layers(), first.v);

    sim.faults.loadingStalls = false;
    await waitFor(() => sim.instances().find((i) => i.instanceId === id)?.status === 'ready');
  });

  test('vanishRunner: the instance stays, its runner leaves /state, requests hang', async () => {
    const id = await loadModel(sim);
    sim.faults.vanishRunner = true;
    await waitFor(
      async () => Object.keys((await getJson(sim, '/state/runners')).body).length === 0,
    );
    assert.equal((await getJson(sim, `/state/instances/${id}`)).status, 200);
    assert.equal(sim.instances()[0]?.status, 'runner_missing');

    const controller = new AbortController();
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(chatBody({ stream: true })),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let text = '';
    const deadline = Date.now() + 300;
    while (Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    assert.ok(!text.includes('data:'), 'no data while the runner is gone');
    assert.ok(text.includes(': keep-alive'));
  });

  test('deleteInstanceMidStream: the stream ends without [DONE] and the instance is gone', async () => {
    const id = await loadModel(sim);
    sim.faults.deleteInstanceMidStream = { afterTokens: 3 };
    const stream = await readStream(
      sim,
      '/v1/chat/completions',
      chatBody({ stream: true, max_tokens: 10 }),
    );
    assert.equal(stream.status, 200);
    assert.equal(stream.data.length, 3);
    assert.ok(!stream.raw.includes('[DONE]'));
    assert.equal((await getJson(sim, `/instance/${id}`)).status, 404);

    await loadModel(sim);
    sim.faults.deleteInstanceMidStream = true;
    await assert.rejects(postJson(sim, '/v1/chat/completions', chatBody({ max_tokens: 10 })));
  });

  test('nullDeltaFields: v1.0.71 chunks carry explicit nulls (#2082)', async () => {
    await loadModel(sim);
    sim.faults.nullDeltaFields = true;
    const stream = await readStream(
      sim,
      '/v1/chat/completions',
      chatBody({ stream: true, max_tokens: 2 }),
    );
    const [first, last] = stream.data.slice(0, 2).map((d) => JSON.parse(d));
    assert.deepEqual(first.choices[0].delta, {
      role: 'assistant',
      content: 'Hello ',
      name: null,
      tool_calls: null,
      tool_call_id: null,
      function_call: null,
    });
    assert.equal(first.choices[0].finish_reason, null);
    assert.equal(first.choices[0].logprobs, null);
    assert.equal(first.usage, null);
    assert.equal(first.service_tier, null);
    assert.equal(last.usage.completion_tokens, 2);
    assert.equal(last.choices[0].finish_reason, 'length');
  });

  test('unreachable: every connection is reset until the switch is cleared', async () => {
    sim.faults.unreachable = true;
    await assert.rejects(fetch(`${sim.url}/node_id`));
    sim.faults.unreachable = false;
    assert.equal((await getJson(sim, '/node_id')).status, 200);
  });
});

/** Crashes the runner once a generation is under way (status "running"). */
async function failWhenRunning(sim: ExoSimulator, message: string): Promise<void> {
  await waitFor(() => sim.instances()[0]?.status === 'running');
  sim.faults.runnerFailed = message;
}
