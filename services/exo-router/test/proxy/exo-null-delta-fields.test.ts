import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { type RouterHarness, startRouter } from '../support/router-harness.ts';

// EXO ≤ 1.0.71 streams `tool_calls: null` and friends in every delta (exo-explore/exo#2082);
// strict clients iterate them and crash. The router drops them.

let h: RouterHarness;
before(async () => {
  h = await startRouter();
  h.sim.faults.nullDeltaFields = true;
});
after(() => h.close());

test('null delta keys never reach the client; content survives', async () => {
  const response = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'llama-1b',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      max_tokens: 4,
    }),
  });
  const events = (await response.text())
    .split('\n')
    .filter((line) => line.startsWith('data: {'))
    .map((line) => JSON.parse(line.slice(6)));

  assert.ok(events.length >= 5);
  for (const event of events) {
    const delta = event.choices[0].delta as Record<string, unknown>;
    for (const [key, value] of Object.entries(delta)) {
      assert.ok(value !== null || key === 'content' || key === 'refusal', `delta.${key} is null`);
    }
  }
  const upstream = h.sim.requests.filter((r) => r.path === '/v1/chat/completions');
  assert.equal(upstream.length, 1);
});

test('the official client accumulates the stream without tripping on nulls', async () => {
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const final = await client.chat.completions
    .stream({ model: 'llama-1b', messages: [{ role: 'user', content: 'hi' }], max_tokens: 6 })
    .finalChatCompletion();

  assert.equal(final.choices[0]?.message.tool_calls, undefined);
  assert.ok((final.choices[0]?.message.content ?? '').length > 0);
});
