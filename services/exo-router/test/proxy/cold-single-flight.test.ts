import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { type RouterHarness, startRouter } from '../support/router-harness.ts';

// 50 clients asking for the same cold model at once share one load: one EXO instance, 50 answers.

let h: RouterHarness;
before(async () => {
  h = await startRouter();
});
after(() => h.close());

test('50 concurrent cold requests, streaming and not, create exactly one instance', async () => {
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const one = async (i: number) => {
    const request = {
      model: 'llama-1b',
      messages: [{ role: 'user' as const, content: `hi ${i}` }],
      max_tokens: 2,
    };
    if (i % 2 === 0)
      return (await client.chat.completions.create(request)).choices[0]?.finish_reason;
    let reason: string | null | undefined;
    for await (const chunk of await client.chat.completions.create({ ...request, stream: true })) {
      reason = chunk.choices[0]?.finish_reason ?? reason;
    }
    return reason;
  };
  const reasons = await Promise.all(Array.from({ length: 50 }, (_, i) => one(i)));

  assert.deepEqual(new Set(reasons), new Set(['length']));
  assert.equal(h.sim.stats.createInstanceCalls, 1);
  assert.equal(h.sim.stats.placementCalls, 1);
});
