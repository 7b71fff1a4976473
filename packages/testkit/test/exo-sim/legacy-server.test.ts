import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ExoSimulator, startExoSimulator } from '../../src/exo-sim/index.ts';
import { getJson, postJson, readStream } from './helpers.ts';

describe('exo-sim legacyServer (EXO 0.x shape)', () => {
  let sim: ExoSimulator;
  before(async () => {
    sim = await startExoSimulator({ downloadMs: 50, loadMs: 50, warmupMs: 0 });
    sim.faults.legacyServer = true;
  });
  after(() => sim.close());

  test('version probe: /node_id is gone, /healthcheck answers ok', async () => {
    const nodeId = await fetch(`${sim.url}/node_id`);
    assert.equal(nodeId.status, 404);
    assert.equal(await nodeId.text(), '404: Not Found');
    assert.deepEqual(await getJson(sim, '/healthcheck'), { status: 200, body: { status: 'ok' } });
    assert.equal((await fetch(`${sim.url}/state`)).status, 404);
  });

  test('/v1/models lists short ids with ready:true', async () => {
    const { body } = await getJson(sim, '/v1/models');
    assert.deepEqual(body.data[0], {
      id: 'llama-3.2-1b',
      object: 'model',
      owned_by: 'exo',
      ready: true,
    });
  });

  test('chat auto-loads, and an unknown model is silently replaced by the default', async () => {
    const res = await postJson(sim, '/chat/completions', {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hello there' }],
      max_tokens: 3,
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.model, 'llama-3.2-1b');
    assert.match(res.body.id, /^chatcmpl-/);
    assert.deepEqual(res.body.usage, { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  });

  test('streams have chat.completion chunks, no usage and no [DONE]', async () => {
    const stream = await readStream(sim, '/v1/chat/completions', {
      model: 'llama-3.2-1b',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 3,
      stream: true,
    });
    const chunks = stream.data.map((d) => JSON.parse(d));
    assert.equal(chunks.length, 3);
    assert.ok(chunks.every((c) => c.object === 'chat.completion' && c.system_fingerprint));
    assert.ok(chunks.every((c) => !('usage' in c)));
    assert.equal(chunks[2].choices[0].finish_reason, 'length');
    assert.ok(!stream.raw.includes('[DONE]'));
    assert.equal(stream.comments.length, 0);
  });

  test('switching back gives the 1.x API again', async () => {
    sim.faults.legacyServer = false;
    assert.equal((await getJson(sim, '/node_id')).status, 200);
    sim.faults.legacyServer = true;
  });
});
