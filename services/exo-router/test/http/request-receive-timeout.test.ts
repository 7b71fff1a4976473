import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { type RouterHarness, startRouter } from '../support/router-harness.ts';

// A client that promises a body it never finishes is cut after limits.requestTimeout; a
// response that streams for longer than that bound is not.

let h: RouterHarness;
before(async () => {
  h = await startRouter({
    sim: { tokensPerSecond: 10 },
    config: { limits: { requestTimeout: '600ms' } },
  });
});
after(() => h.close());

test('Content-Length 1000 with 20 bytes sent: 408 and closed after limits.requestTimeout', async () => {
  const { port } = new URL(h.url);
  const socket = connect(Number(port), '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const started = Date.now();
  socket.write(
    'POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"model":"llama-1b",',
  );

  const timeout = setTimeout(() => socket.destroy(), 10_000);
  await closed;
  clearTimeout(timeout);
  const elapsed = Date.now() - started;
  assert.match(answer, /^HTTP\/1\.1 408/);
  assert.ok(elapsed >= 500 && elapsed < 5000, `closed after ${elapsed} ms`);
});

test('a streaming response longer than limits.requestTimeout is not cut', async () => {
  const response = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // 16 tokens at 10 tokens/s: about 1.6 s of streaming, well past the 600 ms bound.
    body: JSON.stringify({
      model: 'llama-1b',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    }),
  });
  const text = await response.text();
  assert.equal(response.status, 200);
  assert.match(text, /data: \[DONE\]/);
});
