import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { type RouterHarness, startRouter, waitFor } from '../support/router-harness.ts';

// EXO can lose an instance between the router's readiness check and the call; it then answers
// 404 "No instance found" (exo-api §4.4). Before any byte reached the client, the router reports
// it, reloads and retries once, so the client never sees it.

let h: RouterHarness;
before(async () => {
  h = await startRouter({ healthIntervalMs: 60_000 });
});
after(() => h.close());

test('an instance deleted behind the router’s back is reloaded and the request retried', async () => {
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'x', maxRetries: 0 });
  await client.chat.completions.create({
    model: 'llama-1b',
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 2,
  });
  const instanceId = h.sim.instances()[0]?.instanceId;
  await fetch(`${h.sim.url}/instance/${instanceId}`, { method: 'DELETE' });
  await waitFor(() => h.sim.instances().length === 0, 5000, 'the instance to go');

  const stream = await client.chat.completions.create({
    model: 'llama-1b',
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 3,
    stream: true,
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);

  assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'length');
  assert.equal(h.sim.stats.createInstanceCalls, 2);
  assert.equal(h.sim.requests.filter((r) => r.path === '/v1/chat/completions').length, 3);
});
