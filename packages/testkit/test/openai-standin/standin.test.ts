import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type OpenAiStandIn, startOpenAiStandIn } from '../../src/openai-standin/index.ts';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const MODEL = 'qwen2.5-coder-32b';

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies by shape
type Json = any;

async function post(standIn: OpenAiStandIn, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${standIn.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { res, text: await res.text() };
}

function dataLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice(6));
}

describe('llama-swap stand-in', () => {
  let standIn: OpenAiStandIn;
  before(async () => {
    standIn = await startOpenAiStandIn({ swapMs: 150, tokensPerSecond: 500 });
  });
  after(() => standIn.close());

  test('/health is a static OK and /v1/models lists the configured models', async () => {
    const health = await fetch(`${standIn.url}/health`);
    assert.equal(await health.text(), 'OK');
    const models: Json = await (await fetch(`${standIn.url}/v1/models`)).json();
    assert.deepEqual(
      models.data.map((m: Json) => m.id),
      ['qwen2.5-coder-32b', 'gpt-oss-20b'],
    );
    assert.equal(models.data[0].owned_by, 'llama-swap');
  });

  test('the first request swaps the model in; the next one does not', async () => {
    const body = {
      model: MODEL,
      messages: [{ role: 'user', content: 'one two three' }],
      max_tokens: 3,
    };
    const started = Date.now();
    const first = await post(standIn, body, { traceparent: TRACEPARENT });
    assert.ok(Date.now() - started >= 140, 'waited for the swap');
    assert.equal(standIn.stats.swaps, 1);

    const parsed: Json = JSON.parse(first.text);
    assert.equal(parsed.object, 'chat.completion');
    assert.equal(parsed.choices[0].message.content, 'Hello from the ');
    assert.deepEqual(parsed.usage, { completion_tokens: 3, prompt_tokens: 3, total_tokens: 6 });
    assert.equal(parsed.timings.predicted_n, 3);
    assert.equal(parsed.timings.prompt_n, 3);
    assert.equal(standIn.requests.at(-1)?.headers.traceparent, TRACEPARENT);

    await post(standIn, body);
    assert.equal(standIn.stats.swaps, 1, 'the running model is not swapped again');

    const running: Json = await (await fetch(`${standIn.url}/running`)).json();
    assert.equal(running.running[0].model, MODEL);
    assert.equal(running.running[0].state, 'ready');
  });

  test('streaming: chat.completion.chunk, role chunk, finish chunk with timings, usage chunk, [DONE]', async () => {
    const { res, text } = await post(standIn, {
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const data = dataLines(text);
    assert.equal(data.at(-1), '[DONE]');
    const chunks: Json[] = data.slice(0, -1).map((d) => JSON.parse(d));
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: null });
    assert.deepEqual(
      chunks.slice(1, 3).map((c) => c.choices[0].delta.content),
      ['Hello ', 'from '],
    );
    assert.equal(chunks[3].choices[0].finish_reason, 'length');
    assert.equal(chunks[3].timings.predicted_n, 2);
    assert.deepEqual(chunks[4].choices, []);
    assert.deepEqual(chunks[4].usage, { completion_tokens: 2, prompt_tokens: 1, total_tokens: 3 });
  });

  test('without include_usage the stream has no usage chunk', async () => {
    const { text } = await post(standIn, {
      model: MODEL,
      messages: [],
      stream: true,
      max_tokens: 1,
    });
    assert.ok(!text.includes('"usage"'));
  });

  test('asking another model swaps again (one model at a time)', async () => {
    await post(standIn, { model: 'gpt-oss-20b', messages: [], max_tokens: 1 });
    assert.equal(standIn.stats.swaps, 2);
  });

  test('an unknown model is a llama-swap 404 error object', async () => {
    const { res, text } = await post(standIn, { model: 'nope', messages: [] });
    assert.equal(res.status, 404);
    const body: Json = JSON.parse(text);
    assert.equal(body.src, 'llama-swap');
    assert.equal(body.error.type, 'invalid_request_error');
    assert.equal(body.error.code, 'not_found');
    assert.match(body.error.message, /nope/);
  });

  test('with apiKey set, requests need the bearer token', async () => {
    const guarded = await startOpenAiStandIn({ apiKey: 'sekret', swapMs: 0 });
    try {
      const denied = await post(guarded, { model: MODEL, messages: [] });
      assert.equal(denied.res.status, 401);
      const allowed = await post(
        guarded,
        { model: MODEL, messages: [] },
        { authorization: 'Bearer sekret' },
      );
      assert.equal(allowed.res.status, 200);
    } finally {
      await guarded.close();
    }
  });
});
