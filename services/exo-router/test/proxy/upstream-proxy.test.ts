import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type OpenAiStandIn, startOpenAiStandIn } from '@llm-lab/testkit/openai-standin';
import OpenAI from 'openai';
import { type RouterHarness, startRouter } from '../support/router-harness.ts';

// Plain OpenAI-compatible upstreams (llama-swap): proxied by exact name or glob, with their own
// key, never loaded or unloaded by the router.

let h: RouterHarness;
let standIn: OpenAiStandIn;
before(async () => {
  standIn = await startOpenAiStandIn({ apiKey: 'upstream-key' });
  h = await startRouter({
    config: {
      auth: { apiKeys: ['client-key'] },
      upstreams: {
        'llama-swap': {
          baseUrl: `${standIn.url}/v1`,
          provider: 'llama.cpp',
          models: ['qwen2.5-coder-32b', 'gpt-oss-*'],
          apiKey: 'upstream-key',
        },
        dead: { baseUrl: 'http://127.0.0.1:9/v1', models: ['ghost'] },
      },
    },
  });
});
after(async () => {
  await h.close();
  await standIn.close();
});

test('exact and glob names reach the upstream with its own key, not the client’s', async () => {
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
  const exact = await client.chat.completions.create({
    model: 'qwen2.5-coder-32b',
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 3,
  });
  const stream = await client.chat.completions.create({
    model: 'gpt-oss-20b',
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 3,
    stream: true,
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);

  assert.equal(exact.model, 'qwen2.5-coder-32b');
  assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'length');
  assert.equal(standIn.stats.chatCalls, 2);
  for (const request of standIn.requests.filter((r) => r.path === '/v1/chat/completions')) {
    assert.equal(request.headers.authorization, 'Bearer upstream-key');
    assert.ok(!JSON.stringify(request.headers).includes('client-key'));
  }
  assert.equal(h.sim.stats.createInstanceCalls, 0, 'no EXO load for an upstream model');
});

test('an unreachable upstream is a 502 upstream_error naming it', async () => {
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
  const error = await client.chat.completions
    .create({ model: 'ghost', messages: [{ role: 'user', content: 'hi' }] })
    .catch((e: unknown) => e);

  assert.ok(error instanceof OpenAI.APIError);
  assert.equal(error.status, 502);
  assert.equal(error.code, 'upstream_error');
  assert.match(error.message, /upstream dead at http:\/\/127\.0\.0\.1:9\/v1/);
});
