import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type ExoSimulator, startExoSimulator } from '@llm-lab/testkit/exo-sim';
import { type RouterProcess, startRouterProcess } from './support/router-process.ts';

// SIGTERM while streams run past the 10 s shutdown bound: each ends with an explicit error
// event in its API's shape, never with a bare cut after a content chunk.

const dir = mkdtempSync(join(tmpdir(), 'exo-router-shutdown-'));
const file = join(dir, 'router.yaml');
let sim: ExoSimulator;
let router: RouterProcess;

before(async () => {
  sim = await startExoSimulator({
    downloadMs: 20,
    loadMs: 20,
    warmupMs: 10,
    shutdownMs: 10,
    // The simulated answer is 16 tokens: at 1 token/s it outlasts the 10 s bound.
    tokensPerSecond: 1,
  });
  writeFileSync(
    file,
    `exo:\n  baseUrl: ${sim.url}\nlisten:\n  port: 0\nmodels:\n  llama-1b:\n    exoModelId: mlx-community/Llama-3.2-1B-Instruct-4bit\n`,
  );
  router = await startRouterProcess(['--config', file]);
});
after(async () => {
  await router.stop('SIGKILL');
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

async function openStream(path: string) {
  const response = await fetch(`${router.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'llama-1b',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 4000,
      stream: true,
    }),
  });
  assert.equal(response.status, 200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const first = await reader.read();
  text += decoder.decode(first.value);
  const rest = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      // A cut connection: the assertions on the text say whether it ended cleanly.
    }
    return text;
  })();
  return { rest };
}

test('SIGTERM past the shutdown bound ends running streams with a shutting_down error event', async () => {
  // Both streams are flowing before the signal.
  const [chat, messages] = await Promise.all([
    openStream('/v1/chat/completions'),
    openStream('/v1/messages'),
  ]);
  const [chatText, messagesText] = await Promise.all([
    chat.rest,
    messages.rest,
    router.stop('SIGTERM', 20_000).then((code) => assert.equal(code, 0)),
  ]);

  const lastData = (text: string) =>
    JSON.parse(
      (
        text
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .at(-1) ?? ''
      ).slice(6),
    );
  const chatEnd = lastData(chatText);
  assert.equal(chatEnd.error.code, 'shutting_down');
  assert.match(chatEnd.error.message, /shutting down/);

  assert.match(messagesText, /event: error\n/);
  const messagesEnd = lastData(messagesText);
  assert.equal(messagesEnd.type, 'error');
  assert.match(messagesEnd.error.message, /shutting down/);
});

test('SIGTERM with a request body still arriving: 503 shutting_down at once, exit well before the bound', async () => {
  const next = await startRouterProcess(['--config', file]);
  const socket = connect(Number(new URL(next.url).port), '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(
    'POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"model":"llama-1b",',
  );
  await new Promise((resolve) => setTimeout(resolve, 200));

  const started = Date.now();
  const code = await next.stop('SIGTERM', 20_000);
  const timeout = setTimeout(() => socket.destroy(), 5000);
  await closed;
  clearTimeout(timeout);

  assert.equal(code, 0);
  assert.ok(Date.now() - started < 5000, `stopped after ${Date.now() - started} ms`);
  assert.match(answer, /^HTTP\/1\.1 503/);
  assert.match(answer, /"code":"shutting_down"/);
});
