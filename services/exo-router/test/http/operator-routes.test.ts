import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type OpenAiStandIn, startOpenAiStandIn } from '@llm-lab/testkit/openai-standin';
import OpenAI from 'openai';
import { type AnswerJson, type RouterHarness, startRouter } from '../support/router-harness.ts';

// Operator endpoints: listing with state, explicit load/unload, health that never wakes a model.

let h: RouterHarness;
let standIn: OpenAiStandIn;
before(async () => {
  standIn = await startOpenAiStandIn();
  h = await startRouter({
    config: {
      upstreams: {
        'llama-swap': {
          baseUrl: `${standIn.url}/v1`,
          provider: 'llama.cpp',
          models: ['qwen*', 'not-listed'],
        },
      },
    },
  });
});
after(async () => {
  await h.close();
  await standIn.close();
});

const json = async (path: string, method = 'GET') => {
  const response = await fetch(`${h.url}${path}`, { method });
  return { status: response.status, body: (await response.json()) as AnswerJson };
};

test('GET /v1/models lists EXO models with state and the upstream’s models', async () => {
  const models = await new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'x' }).models.list();
  const byId = new Map(models.data.map((m) => [m.id, m as unknown as Record<string, unknown>]));

  assert.equal(byId.get('llama-1b')?.state, 'unloaded');
  assert.deepEqual(byId.get('llama-1b')?.aliases, ['llama-small']);
  assert.equal(byId.get('qwen2.5-coder-32b')?.owned_by, 'llama.cpp');
  assert.equal(byId.get('gpt-oss-20b'), undefined, 'not routed here');
  assert.equal(byId.get('not-listed')?.state, 'unlisted');
});

test('health: live always, ready reports EXO reachability and loads nothing', async () => {
  const live = await json('/health/live');
  const ready = await json('/health/ready');
  h.sim.faults.unreachable = true;
  const down = await json('/health/ready');
  h.sim.faults.unreachable = false;

  assert.equal(live.status, 200);
  assert.equal(ready.status, 200);
  assert.equal(down.status, 503);
  assert.equal(down.body.exo?.ok, false);
  assert.equal(h.sim.stats.createInstanceCalls, 0);
});

test('POST /models/{name}/load and /unload drive one model; /running shows it', async () => {
  const loaded = await json('/models/llama-small/load', 'POST');
  const running = await json('/running');
  const unloaded = await json('/models/llama-1b/unload', 'POST');
  const unknown = await json('/models/nope/load', 'POST');

  assert.equal(loaded.status, 200);
  assert.equal(loaded.body.model?.state, 'ready');
  assert.equal(running.body.models?.find((m) => m.name === 'llama-1b')?.state, 'ready');
  assert.deepEqual(unloaded.body.unloaded, ['llama-1b']);
  assert.equal(h.manager.list().find((m) => m.name === 'llama-1b')?.state, 'unloaded');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'model_not_found');
});

test('POST /unload unloads every loaded model', async () => {
  await json('/models/llama-1b/load', 'POST');
  await json('/models/llama-3b/load', 'POST');
  const answer = await json('/unload', 'POST');

  assert.deepEqual([...(answer.body.unloaded ?? [])].sort(), ['llama-1b', 'llama-3b']);
  assert.ok(h.manager.list().every((m) => m.state === 'unloaded'));
});

test('POST /unload with EXO down: 502, and the model stays ready (with lastError), not "unloaded"', async () => {
  assert.equal((await json('/models/llama-1b/load', 'POST')).status, 200);
  h.sim.faults.unreachable = true;
  try {
    const failed = await json('/unload', 'POST');
    assert.equal(failed.status, 502);
    assert.equal(failed.body.error.code, 'exo_unreachable');
    const running = (await json('/running')).body as unknown as {
      models: { name: string; state: string; lastError?: { code: string } }[];
    };
    const llama = running.models.find((m) => m.name === 'llama-1b');
    assert.equal(llama?.state, 'ready');
    assert.equal(llama?.lastError?.code, 'exo_unreachable');
  } finally {
    h.sim.faults.unreachable = false;
  }
  assert.equal((await json('/models/llama-1b/unload', 'POST')).status, 200);
  assert.equal(h.sim.instances().length, 0);
});

test('a model matching an upstream glob that the upstream answers 404 for: 404 model_not_found', async () => {
  const answer = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'qwen-nonexistent',
      messages: [{ role: 'user', content: 'hi' }],
    }),
  });
  const body = (await answer.json()) as AnswerJson;
  assert.equal(answer.status, 404);
  assert.equal(body.error.code, 'model_not_found');
  assert.match(body.error.message, /upstream llama-swap .* does not know this model/);
});
