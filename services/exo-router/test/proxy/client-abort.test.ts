import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RouterHarness, startRouter, waitFor } from '../support/router-harness.ts';

// A client that leaves mid-stream must free EXO too: the upstream request is aborted, so the
// runner stops generating and the model's in-flight count returns to zero.

let h: RouterHarness;
before(async () => {
  h = await startRouter({ sim: { tokensPerSecond: 20 } });
});
after(() => h.close());

test('aborting the client aborts the upstream generation', async () => {
  const controller = new AbortController();
  const response = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'llama-1b',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      max_tokens: 400,
    }),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  let seen = '';
  while (!seen.includes('content')) seen += new TextDecoder().decode((await reader.read()).value);

  assert.equal(h.manager.list().find((m) => m.name === 'llama-1b')?.inFlight, 1);
  controller.abort();

  await waitFor(
    () => h.manager.list().find((m) => m.name === 'llama-1b')?.inFlight === 0,
    5000,
    'lease release',
  );
  await waitFor(
    () => h.sim.instances()[0]?.status === 'ready',
    5000,
    'the runner to stop generating',
  );
});
