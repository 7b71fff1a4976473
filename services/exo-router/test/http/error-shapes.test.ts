import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { type AnswerJson, type RouterHarness, startRouter } from '../support/router-harness.ts';

// Every failure is an OpenAI-shaped error (Anthropic-shaped on /v1/messages) with a stable code.

const DEEPSEEK = 'mlx-community/DeepSeek-V3.1-4bit';

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as AnswerJson,
  };
}

describe('error shapes', () => {
  let h: RouterHarness;
  let openai: OpenAI;

  before(async () => {
    h = await startRouter({
      config: {
        models: {
          'llama-1b': { exoModelId: 'mlx-community/Llama-3.2-1B-Instruct-4bit' },
          deepseek: { exoModelId: DEEPSEEK },
          'stall-prone': { exoModelId: 'mlx-community/Qwen3-0.6B-4bit', stallTimeout: '400ms' },
        },
        limits: { bodyLimit: '4KiB' },
      },
    });
    openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  after(() => h.close());

  test('unknown model: 404 model_not_found naming the models that exist', async () => {
    const error = await openai.chat.completions
      .create({ model: 'gpt-9', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);

    assert.ok(error instanceof OpenAI.NotFoundError);
    assert.equal(error.code, 'model_not_found');
    assert.match(error.message, /gpt-9/);
    assert.match(error.message, /llama-1b, deepseek/);
  });

  test('malformed JSON and a missing model: 400 invalid_request', async () => {
    const broken = await post(`${h.url}/v1/chat/completions`, '{"model": ');
    const missing = await post(`${h.url}/v1/chat/completions`, '{"messages": []}');

    assert.equal(broken.status, 400);
    assert.equal(broken.body.error.code, 'invalid_request');
    assert.equal(broken.body.error.type, 'invalid_request_error');
    assert.equal(missing.status, 400);
    assert.match(missing.body.error.message, /"model"/);
  });

  test('a body over the limit: 413 body_too_large', async () => {
    const big = JSON.stringify({
      model: 'llama-1b',
      messages: [{ role: 'user', content: 'x'.repeat(8000) }],
    });
    const answer = await post(`${h.url}/v1/chat/completions`, big);

    assert.equal(answer.status, 413);
    assert.equal(answer.body.error.code, 'body_too_large');
    assert.match(answer.body.error.message, /4096 bytes/);
  });

  test('on /v1/messages errors are Anthropic-shaped and the SDK maps them', async () => {
    const anthropic = new Anthropic({ baseURL: h.url, apiKey: 'x', maxRetries: 0 });
    const error = await anthropic.messages
      .create({ model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    const raw = await post(`${h.url}/v1/messages`, '{');

    assert.ok(error instanceof Anthropic.NotFoundError);
    assert.equal(raw.body.type, 'error');
    assert.equal(raw.body.error.type, 'invalid_request_error');
  });

  test('placement impossible: 503 placement_failed with EXO’s own message', async () => {
    const answer = await post(
      `${h.url}/v1/chat/completions`,
      JSON.stringify({ model: 'deepseek', messages: [{ role: 'user', content: 'hi' }] }),
    );

    assert.equal(answer.status, 503);
    assert.equal(answer.body.error.code, 'placement_failed');
    assert.ok(answer.body.error.message.length > 20);
  });

  test('EXO unreachable: 502 exo_unreachable naming the URL', async () => {
    h.sim.faults.unreachable = true;
    try {
      const answer = await post(
        `${h.url}/v1/chat/completions`,
        JSON.stringify({ model: 'llama-1b', messages: [{ role: 'user', content: 'hi' }] }),
      );

      assert.equal(answer.status, 502);
      assert.equal(answer.body.error.code, 'exo_unreachable');
      assert.ok(answer.body.error.message.includes(h.sim.url));
    } finally {
      h.sim.faults.unreachable = false;
    }
  });

  test('a load that stops progressing: 504 load_stalled', async () => {
    h.sim.faults.loadingStalls = true;
    try {
      const answer = await post(
        `${h.url}/v1/chat/completions`,
        JSON.stringify({ model: 'stall-prone', messages: [{ role: 'user', content: 'hi' }] }),
      );

      assert.equal(answer.status, 504);
      assert.equal(answer.body.error.code, 'load_stalled');
    } finally {
      h.sim.faults.loadingStalls = false;
    }
  });

  test('an unknown route: 404 in the same shape', async () => {
    const answer = await post(`${h.url}/v1/embeddings`, '{}');

    assert.equal(answer.status, 404);
    assert.match(answer.body.error.message, /no route POST \/v1\/embeddings/);
  });
});
