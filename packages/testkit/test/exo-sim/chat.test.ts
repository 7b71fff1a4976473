import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WORDS } from '../../src/exo-sim/generation.ts';
import { type ExoSimulator, startExoSimulator } from '../../src/exo-sim/index.ts';
import {
  CHAT_BODY_PROMPT_TOKENS,
  chatBody,
  createInstance,
  type Json,
  loadModel,
  postJson,
  readStream,
  SMALL,
  waitFor,
} from './helpers.ts';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('exo-sim chat completions', () => {
  let sim: ExoSimulator;
  before(async () => {
    sim = await startExoSimulator({ downloadMs: 0, loadMs: 50, warmupMs: 0, tokensPerSecond: 500 });
  });
  after(() => sim.close());

  test('no instance for the model: EXO’s 404 envelope, exactly', async () => {
    const res = await postJson(sim, '/v1/chat/completions', chatBody());
    assert.equal(res.status, 404);
    assert.equal(
      res.text,
      `{"error":{"message":"No instance found for model ${SMALL}","type":"Not Found","param":null,"code":404}}`,
    );
    for (const path of ['/v1/messages', '/v1/responses']) {
      const other = await postJson(sim, path, {
        model: SMALL,
        max_tokens: 5,
        input: 'x',
        messages: [],
      });
      assert.equal(other.status, 404, path);
      assert.equal(other.body.error.message, `No instance found for model ${SMALL}`);
    }
  });

  test('a body without model or messages is FastAPI’s 422, not the envelope', async () => {
    const res = await postJson(sim, '/v1/chat/completions', { messages: [] });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body.detail[0].loc, ['body', 'model']);
    assert.equal(res.body.detail[0].msg, 'Field required');
  });

  test('non-streaming: one JSON body with exact usage', async () => {
    await loadModel(sim);
    const res = await postJson(sim, '/v1/chat/completions', chatBody({ max_tokens: 5 }), {
      traceparent: TRACEPARENT,
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.object, 'chat.completion');
    assert.match(res.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(res.body.choices[0].message.content, `${WORDS.slice(0, 5).join(' ')} `);
    assert.equal(res.body.choices[0].finish_reason, 'length');
    assert.equal(res.body.usage.prompt_tokens, CHAT_BODY_PROMPT_TOKENS);
    assert.equal(res.body.usage.completion_tokens, 5);
    assert.equal(res.body.usage.total_tokens, CHAT_BODY_PROMPT_TOKENS + 5);

    const recorded = sim.requests.findLast((r) => r.path === '/v1/chat/completions');
    assert.ok(recorded);
    assert.equal(recorded.headers.traceparent, TRACEPARENT);
    assert.equal((recorded.body as { max_tokens: number }).max_tokens, 5);
  });

  test('without max_tokens the reply has completionTokens tokens and finish_reason stop', async () => {
    sim.set({ completionTokens: 7 });
    const res = await postJson(sim, '/v1/chat/completions', chatBody());
    assert.equal(res.body.usage.completion_tokens, 7);
    assert.equal(res.body.choices[0].finish_reason, 'stop');
    sim.set({ completionTokens: 16 });
  });

  test('streaming: EXO’s quirks, one token per chunk, usage on the last chunk, [DONE]', async () => {
    const stream = await readStream(
      sim,
      '/v1/chat/completions',
      chatBody({ stream: true, max_tokens: 4 }),
    );
    assert.equal(stream.status, 200);
    assert.equal(stream.comments[0], 'keep-alive');
    assert.ok(
      stream.comments.some((c) => c.startsWith('prefill_progress {"PrefillProgressChunk"')),
    );
    assert.ok(stream.comments.some((c) => c.startsWith('generation_stats {')));
    assert.equal(stream.data.at(-1), '[DONE]');

    const chunks = stream.data.slice(0, -1).map((d) => JSON.parse(d));
    assert.equal(chunks.length, 4);
    for (const chunk of chunks) {
      assert.equal(chunk.object, 'chat.completion');
      assert.equal(chunk.choices[0].delta.role, 'assistant');
      assert.equal(chunk.id, chunks[0].id);
    }
    assert.deepEqual(
      chunks.map((c) => c.choices[0].delta.content),
      WORDS.slice(0, 4).map((w) => `${w} `),
    );
    assert.equal(
      chunks.slice(0, 3).some((c) => 'usage' in c || 'finish_reason' in c.choices[0]),
      false,
    );
    assert.equal(chunks[3].choices[0].finish_reason, 'length');
    assert.deepEqual(
      [
        chunks[3].usage.prompt_tokens,
        chunks[3].usage.completion_tokens,
        chunks[3].usage.total_tokens,
      ],
      [CHAT_BODY_PROMPT_TOKENS, 4, CHAT_BODY_PROMPT_TOKENS + 4],
    );
  });

  test('a request sent while the instance loads waits and is then served', async () => {
    const fresh = await startExoSimulator({
      downloadMs: 0,
      loadMs: 300,
      warmupMs: 0,
      keepAliveMs: 100,
    });
    try {
      await createInstance(fresh);
      const started = Date.now();
      const stream = await readStream(
        fresh,
        '/v1/chat/completions',
        chatBody({ stream: true, max_tokens: 2 }),
      );
      assert.ok(Date.now() - started >= 200, 'waited for the load');
      assert.ok(stream.comments.filter((c) => c === 'keep-alive').length >= 2);
      assert.equal(stream.data.at(-1), '[DONE]');
    } finally {
      await fresh.close();
    }
  });

  test('tokens arrive at the configured rate after prefillMs', async () => {
    sim.set({ tokensPerSecond: 50, prefillMs: 100 });
    const started = Date.now();
    const res = await postJson(sim, '/v1/chat/completions', chatBody({ max_tokens: 6 }));
    const elapsed = Date.now() - started;
    sim.set({ tokensPerSecond: 500, prefillMs: 20 });
    assert.equal(res.body.usage.completion_tokens, 6);
    // prefill 100 ms + 5 gaps of 20 ms = 200 ms at least.
    assert.ok(elapsed >= 190, `took ${elapsed} ms`);
  });

  test('the RunnerRunning tag shows while a request generates', async () => {
    sim.set({ tokensPerSecond: 10 });
    const pending = postJson(sim, '/v1/chat/completions', chatBody({ max_tokens: 10 }));
    const state: Json = await waitFor(async () => {
      const body: Json = await (await fetch(`${sim.url}/state`)).json();
      return Object.values(body.runners).some((r: Json) => r.RunnerRunning) && body;
    });
    sim.set({ tokensPerSecond: 500 });
    const task = Object.values(state.tasks)[0] as Json;
    assert.equal(task.TextGeneration.taskStatus, 'Running');
    await pending;
    const idle: Json = await (await fetch(`${sim.url}/state/runners`)).json();
    assert.ok(Object.values(idle).every((r: Json) => r.RunnerReady));
  });

  test('POST /v1/cancel/{id} stops a running stream', async () => {
    sim.set({ tokensPerSecond: 20 });
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(chatBody({ stream: true, max_tokens: 50 })),
    });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('data: {')) text += new TextDecoder().decode((await reader.read()).value);
    const id = JSON.parse(text.split('data: ')[1]!.split('\n')[0]!).id;

    const cancel = await postJson(sim, `/v1/cancel/${id}`, {});
    assert.deepEqual(cancel.body, { message: 'Command cancelled.', command_id: id });
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    sim.set({ tokensPerSecond: 500 });
    assert.ok(!text.includes('[DONE]'));
    const again = await postJson(sim, `/v1/cancel/${id}`, {});
    assert.equal(again.status, 404);
    assert.equal(again.body.error.message, 'Command not found or already completed');
  });
});
