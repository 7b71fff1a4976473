import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import OpenAI from 'openai';
import { type RouterHarness, startRouter } from '../support/router-harness.ts';

// Prompt and completion text reach spans only when telemetry.recordContent is true.

let h: RouterHarness;
before(async () => {
  h = await startRouter({ config: { telemetry: { recordContent: true } } });
});
after(() => h.close());

test('with recordContent the SERVER span carries the prompt and the generated text', async () => {
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const answer = await client.chat.completions.create({
    model: 'llama-1b',
    messages: [{ role: 'user', content: 'pineapple question' }],
    max_tokens: 3,
  });
  const stream = await client.chat.completions.create({
    model: 'llama-1b',
    messages: [{ role: 'user', content: 'mango question' }],
    max_tokens: 3,
    stream: true,
  });
  let streamed = '';
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';

  const servers = h.spans().filter((s) => s.kind === SpanKind.SERVER);
  assert.equal(servers.length, 2);
  assert.match(String(servers[0]?.attributes['gen_ai.input.messages']), /pineapple question/);
  assert.equal(
    servers[0]?.attributes['gen_ai.output.messages'],
    answer.choices[0]?.message.content,
  );
  assert.match(String(servers[1]?.attributes['gen_ai.input.messages']), /mango question/);
  assert.equal(servers[1]?.attributes['gen_ai.output.messages'], streamed);
});
