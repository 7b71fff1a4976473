import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { type RouterHarness, startRouter } from '../support/router-harness.ts';

// A streaming client that meets a cold model gets SSE comments while it loads (never invented
// content), then the real stream; a non-streaming client just waits for the answer.

let h: RouterHarness;
before(async () => {
  h = await startRouter({ sim: { downloadMs: 300, loadMs: 300, warmupMs: 100 }, heartbeatMs: 100 });
});
after(() => h.close());

test('a cold stream receives loading comments, then the answer', async () => {
  const response = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'llama-1b',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      max_tokens: 3,
    }),
  });
  const text = await response.text();

  const firstData = text.indexOf('data: ');
  const comments = text.slice(0, firstData).match(/^: loading.*$/gm) ?? [];
  assert.ok(comments.length >= 3, `expected heartbeats before the first data event, got:\n${text}`);
  assert.match(text, /data: \[DONE\]/);
});

test('a cold non-stream request answers normally after the load', async () => {
  await h.manager.unload('llama-1b', 'admin');
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const answer = await client.chat.completions.create({
    model: 'llama-1b',
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 3,
  });

  assert.equal(h.sim.stats.createInstanceCalls, 2, 'the model was loaded again');
  assert.equal(answer.choices[0]?.finish_reason, 'length');
});

test('the SDK ignores the comments: a cold stream reads like a warm one', async () => {
  await h.manager.unload('llama-1b', 'admin');
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const stream = await client.chat.completions.create({
    model: 'llama-1b',
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 3,
    stream: true,
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);

  assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: 'assistant', content: '' });
  assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'length');
});
