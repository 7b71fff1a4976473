import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type AnswerJson, type RouterHarness, startRouter } from '../support/router-harness.ts';

// keep_alive durations beyond a year are refused, and no idle time (however far away) can make
// the router's own listing endpoints fail.

let h: RouterHarness;
before(async () => {
  h = await startRouter({
    config: {
      models: {
        'llama-1b': { exoModelId: 'mlx-community/Llama-3.2-1B-Instruct-4bit' },
        'far-ttl': { exoModelId: 'mlx-community/Qwen3-0.6B-4bit', ttl: 1e300 },
      },
    },
  });
});
after(() => h.close());

async function chat(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 2, ...body }),
  });
  return { status: response.status, body: (await response.json()) as AnswerJson };
}

async function listingsAnswer() {
  for (const path of ['/running', '/v1/models']) {
    const response = await fetch(`${h.url}${path}`);
    assert.equal(response.status, 200, `${path} answers 200`);
  }
}

test('keep_alive 1e300 or X-Keep-Alive 99999999999999999h: 400 naming the 1-year limit', async () => {
  const body = await chat({ model: 'llama-1b', keep_alive: 1e300 });
  assert.equal(body.status, 400);
  assert.equal(body.body.error.code, 'invalid_request');
  assert.match(body.body.error.message, /at most 1 year/);
  assert.match(body.body.error.message, /negative value .* keeps the model loaded/);

  const header = await chat({ model: 'llama-1b' }, { 'x-keep-alive': '99999999999999999h' });
  assert.equal(header.status, 400);
  assert.match(header.body.error.message, /at most 1 year/);
  await listingsAnswer();
});

test('keep_alive of exactly one year is accepted and /running shows its idle time', async () => {
  const ok = await chat({ model: 'llama-1b', keep_alive: '365d' });
  assert.equal(ok.status, 200);
  const running = (await (await fetch(`${h.url}/running`)).json()) as {
    models: { name: string; idleUntil: string | null }[];
  };
  const idleUntil = running.models.find((m) => m.name === 'llama-1b')?.idleUntil;
  assert.ok(idleUntil && Date.parse(idleUntil) > Date.now() + 364 * 86_400_000);
});

test('a far-future idle time (ttl 1e300 s) never makes /running or /v1/models fail', async () => {
  const ok = await chat({ model: 'far-ttl' });
  assert.equal(ok.status, 200);
  await listingsAnswer();
});

test('keep_alive "" and "  " are both treated as no value', async () => {
  for (const value of ['', '  ']) {
    const body = await chat({ model: 'llama-1b', keep_alive: value });
    assert.equal(body.status, 200, `keep_alive ${JSON.stringify(value)}`);
    const header = await chat({ model: 'llama-1b' }, { 'x-keep-alive': value });
    assert.equal(header.status, 200, `X-Keep-Alive ${JSON.stringify(value)}`);
  }
});
