import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import {
  type AnswerJson,
  type RouterHarness,
  startRouter,
  waitFor,
} from '../support/router-harness.ts';

// API keys, the per-model queue limit (429 before any byte) and load shedding (503).

const chat = (model: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, ...extra });

describe('API keys', () => {
  let h: RouterHarness;
  before(async () => {
    h = await startRouter({ config: { auth: { apiKeys: ['sekrit-key-1'] } } });
  });
  after(() => h.close());

  test('missing and wrong keys get 401 in the client’s shape; health stays open', async () => {
    const missing = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      body: chat('llama-1b'),
    });
    const wrong = await new OpenAI({
      baseURL: `${h.url}/v1`,
      apiKey: 'guess',
      maxRetries: 0,
    }).models
      .list()
      .catch((e: unknown) => e);
    const anthropic = await new Anthropic({
      baseURL: h.url,
      apiKey: 'guess',
      maxRetries: 0,
    }).messages
      .create({ model: 'llama-1b', max_tokens: 3, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    const health = await fetch(`${h.url}/health/live`);

    assert.equal(missing.status, 401);
    assert.equal(((await missing.json()) as AnswerJson).error.code, 'unauthorized');
    assert.ok(wrong instanceof OpenAI.AuthenticationError);
    assert.ok(anthropic instanceof Anthropic.AuthenticationError);
    assert.equal(health.status, 200);
    assert.equal(h.sim.stats.chatCalls, 0);
  });

  test('the right key works as Bearer and as x-api-key, and is never logged', async () => {
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'sekrit-key-1', maxRetries: 0 });
    const answer = await openai.chat.completions.create({
      model: 'llama-1b',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 2,
    });
    const anthropic = new Anthropic({ baseURL: h.url, apiKey: 'sekrit-key-1', maxRetries: 0 });
    const message = await anthropic.messages.create({
      model: 'llama-1b',
      max_tokens: 2,
      messages: [{ role: 'user', content: 'hi' }],
    });

    assert.equal(answer.model, 'llama-1b');
    assert.equal(message.model, 'llama-1b');
    assert.ok(!h.logText().includes('sekrit-key-1'));
    for (const span of h.spans())
      assert.ok(!JSON.stringify(span.attributes).includes('sekrit-key-1'));
    for (const request of h.sim.requests) {
      assert.equal(request.headers.authorization, undefined);
      assert.equal(request.headers['x-api-key'], undefined);
    }
  });
});

describe('queue limit and keep_alive', () => {
  let h: RouterHarness;
  before(async () => {
    h = await startRouter({
      sim: { tokensPerSecond: 25 },
      config: {
        models: {
          'llama-1b': { exoModelId: 'mlx-community/Llama-3.2-1B-Instruct-4bit', maxQueue: 1 },
        },
      },
    });
  });
  after(() => h.close());

  test('over the per-model limit: 429 with Retry-After and no stream bytes', async () => {
    const busy = fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chat('llama-1b', { stream: true, max_tokens: 25 }),
    });
    await waitFor(
      () => (h.manager.list()[0]?.inFlight ?? 0) + (h.manager.list()[0]?.queued ?? 0) === 1,
      5000,
      'first request admitted',
    );

    const rejected = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chat('llama-1b', { stream: true }),
    });
    const text = await rejected.text();

    assert.equal(rejected.status, 429);
    assert.ok(Number(rejected.headers.get('retry-after')) >= 1);
    assert.match(rejected.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(JSON.parse(text).error.code, 'queue_full');
    assert.equal(JSON.parse(text).error.type, 'rate_limit_error');
    assert.doesNotMatch(text, /data:/);
    assert.equal((await (await busy).text()).includes('data: [DONE]'), true);
  });

  test('keep_alive in body and header is honoured and never forwarded', async () => {
    const send = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${h.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      }).then((r) => r.json());

    await send(chat('llama-1b', { keep_alive: '10m' }));
    const idleUntil = Date.parse(h.manager.list()[0]?.idleUntil ?? '');
    assert.ok(
      Math.abs(idleUntil - (Date.now() + 600_000)) < 5_000,
      'idle until about 10 minutes from now',
    );

    await send(chat('llama-1b'), { 'x-keep-alive': '-1' });
    assert.equal(h.manager.list()[0]?.idleUntil, null, 'negative keeps it loaded');

    await send(chat('llama-1b', { keep_alive: 0 }));
    await waitFor(
      () => h.manager.list()[0]?.state === 'unloaded',
      5000,
      'unload right after the response',
    );

    for (const request of h.sim.requests.filter((r) => r.path === '/v1/chat/completions')) {
      assert.equal((request.body as Record<string, unknown>).keep_alive, undefined);
      assert.equal(request.headers['x-keep-alive'], undefined);
    }
  });

  test('an unreadable keep_alive is a 400', async () => {
    const response = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chat('llama-1b', { keep_alive: 'forever-ish' }),
    });

    assert.equal(response.status, 400);
    assert.match(((await response.json()) as AnswerJson).error.message, /keep_alive/);
  });
});

describe('load shedding', () => {
  let h: RouterHarness;
  before(async () => {
    h = await startRouter({ config: { limits: { maxHeapUsedBytes: 1 } } });
  });
  after(() => h.close());

  test('under memory pressure requests get 503 overloaded with Retry-After; health still answers', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const response = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      body: chat('llama-1b'),
    });
    const health = await fetch(`${h.url}/health/live`);

    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '5');
    assert.equal(((await response.json()) as AnswerJson).error.code, 'overloaded');
    assert.equal(health.status, 200);
  });
});
