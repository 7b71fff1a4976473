import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { LLAMA_1B, type RouterHarness, startRouter } from '../support/router-harness.ts';

// /v1/messages (Anthropic) and /v1/responses (OpenAI Responses) go through with the client's
// model name restored on the way back, streaming and not.

let h: RouterHarness;
before(async () => {
  h = await startRouter();
});
after(() => h.close());

test('Anthropic messages, plain and streamed, under the client name', async () => {
  const anthropic = new Anthropic({ baseURL: h.url, apiKey: 'x', maxRetries: 0 });
  const message = await anthropic.messages.create({
    model: 'llama-1b',
    max_tokens: 5,
    messages: [{ role: 'user', content: 'say hello' }],
  });
  const stream = anthropic.messages.stream({
    model: 'llama-small',
    max_tokens: 5,
    messages: [{ role: 'user', content: 'say hello' }],
  });
  const final = await stream.finalMessage();

  assert.equal(message.model, 'llama-1b');
  assert.equal(message.usage.output_tokens, 5);
  assert.equal(final.model, 'llama-small');
  assert.ok(final.content.length > 0);
  const upstream = h.sim.requests.filter((r) => r.path === '/v1/messages');
  assert.equal(upstream.length, 2);
  for (const request of upstream) assert.equal((request.body as { model: string }).model, LLAMA_1B);
});

test('OpenAI responses, plain and streamed, under the client name', async () => {
  const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const response = await openai.responses.create({
    model: 'llama-1b',
    input: 'say hello',
    max_output_tokens: 4,
  });
  const stream = await openai.responses.create({
    model: 'llama-1b',
    input: 'say hello',
    max_output_tokens: 4,
    stream: true,
  });
  const types: string[] = [];
  let completedModel = '';
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'response.completed') completedModel = event.response.model;
  }

  assert.equal(response.model, 'llama-1b');
  assert.ok(response.output_text.length > 0);
  assert.ok(types.includes('response.output_text.delta'));
  assert.equal(types.at(-1), 'response.completed');
  assert.equal(completedModel, 'llama-1b');
});
