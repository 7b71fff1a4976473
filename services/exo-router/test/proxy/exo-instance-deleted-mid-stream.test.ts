import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { type RouterHarness, startRouter } from '../support/router-harness.ts';

// When EXO deletes an instance, running streams end without [DONE] (exo-api §4.5). The router
// must not let that look like a complete answer: it adds an explicit error event.

let h: RouterHarness;
before(async () => {
  h = await startRouter();
});
after(() => h.close());

test('a stream cut by an instance deletion ends with a stream_interrupted error event', async () => {
  h.sim.faults.deleteInstanceMidStream = { afterTokens: 3 };
  const response = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'llama-1b',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      max_tokens: 20,
    }),
  });
  const text = await response.text();

  assert.equal(response.status, 200);
  assert.doesNotMatch(text, /data: \[DONE\]/);
  const last = text.trim().split('\n').at(-1) ?? '';
  assert.equal(JSON.parse(last.slice(6)).error.code, 'stream_interrupted');
});

test('the official client raises instead of returning a truncated answer', async () => {
  h.sim.faults.deleteInstanceMidStream = { afterTokens: 2 };
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const stream = await client.chat.completions.create({
    model: 'llama-1b',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    max_tokens: 20,
  });

  await assert.rejects(async () => {
    for await (const _chunk of stream) {
      // drain
    }
  }, /stream/);
});

test('a non-streaming answer cut mid-body is 502 exo_error "closed the connection mid-response", not exo_unreachable', async () => {
  h.sim.faults.deleteInstanceMidStream = { afterTokens: 3 };
  const response = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'llama-1b',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 20,
    }),
  });
  const body = (await response.json()) as { error: { code: string; message: string } };

  assert.equal(response.status, 502);
  assert.equal(body.error.code, 'exo_error');
  assert.match(
    body.error.message,
    /EXO at http:\/\/127\.0\.0\.1:\d+ closed the connection mid-response/,
  );
  assert.doesNotMatch(body.error.message, /unreachable/);
});

test('stream_interrupted names each API’s own terminal event, not [DONE]', async () => {
  const expected = {
    '/v1/messages': /no message_stop event/,
    '/v1/responses': /no response\.completed event/,
  };
  for (const [path, pattern] of Object.entries(expected)) {
    h.sim.faults.deleteInstanceMidStream = { afterTokens: 3 };
    const response = await fetch(`${h.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'llama-1b',
        messages: [{ role: 'user', content: 'hi' }],
        input: 'hi',
        stream: true,
        max_tokens: 20,
      }),
    });
    const text = await response.text();
    assert.equal(response.status, 200, path);
    const last = text.trim().split('\n').at(-1) ?? '';
    assert.match(last, pattern, path);
    assert.doesNotMatch(last, /\[DONE\]/, path);
  }
});
