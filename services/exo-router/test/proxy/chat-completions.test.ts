import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { LLAMA_1B, type RouterHarness, startRouter } from '../support/router-harness.ts';

describe('chat completions through the router', () => {
  let h: RouterHarness;
  let client: OpenAI;

  before(async () => {
    h = await startRouter();
    client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => h.close());

  test('a cold non-streaming request loads the model and answers under the client name', async () => {
    const answer = await client.chat.completions.create({
      model: 'llama-1b',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 8,
    });

    assert.equal(answer.model, 'llama-1b');
    assert.equal(answer.object, 'chat.completion');
    assert.ok(answer.choices[0]?.message.content);
    assert.equal(answer.usage?.completion_tokens, 8);
    assert.equal(h.sim.stats.createInstanceCalls, 1);
    const upstream = h.sim.requests.find((r) => r.path === '/v1/chat/completions');
    assert.equal((upstream?.body as { model?: string } | undefined)?.model, LLAMA_1B);
    assert.ok(upstream?.headers['content-length']);
    assert.equal(upstream?.headers['transfer-encoding'], undefined);
  });

  test('a warm streaming request is normalised for strict clients', async () => {
    const stream = await client.chat.completions.create({
      model: 'llama-small',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 5,
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    assert.equal(h.sim.stats.createInstanceCalls, 1, 'warm: no second load');
    assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: 'assistant', content: '' });
    for (const chunk of chunks) {
      assert.equal(chunk.object, 'chat.completion.chunk');
      assert.equal(chunk.model, 'llama-small');
    }
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    assert.ok(text.length > 0);
    assert.equal(chunks.at(-1)?.usage?.completion_tokens, 5);
  });

  test('the stream helper of the SDK accumulates a final completion', async () => {
    const runner = client.chat.completions.stream({
      model: 'llama-1b',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 4,
    });
    const final = await runner.finalChatCompletion();

    assert.equal(final.model, 'llama-1b');
    assert.equal(final.choices[0]?.finish_reason, 'length');
  });

  test('the stream carries SSE headers and no buffering hint for proxies', async () => {
    const response = await fetch(`${h.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'llama-1b',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
        max_tokens: 2,
      }),
    });
    const text = await response.text();

    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-accel-buffering'), 'no');
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    assert.match(text, /data: \[DONE\]/);
  });
});
