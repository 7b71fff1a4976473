import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ExoSimulator, startExoSimulator } from '../../src/exo-sim/index.ts';
import { loadModel, postJson, readStream, SMALL } from './helpers.ts';

describe('exo-sim /v1/messages and /v1/responses', () => {
  let sim: ExoSimulator;
  before(async () => {
    sim = await startExoSimulator({ downloadMs: 0, loadMs: 0, warmupMs: 0, completionTokens: 6 });
    await loadModel(sim);
  });
  after(() => sim.close());

  const messages = {
    model: SMALL,
    system: 'Be brief.',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'one two three' }] }],
  };

  test('messages: max_tokens caps the reply; usage counts system and content words', async () => {
    const capped = await postJson(sim, '/v1/messages', { ...messages, max_tokens: 3 });
    assert.equal(capped.status, 200);
    assert.match(capped.body.id, /^msg_/);
    assert.equal(capped.body.content[0].text, 'Hello from the ');
    assert.equal(capped.body.stop_reason, 'max_tokens');
    assert.deepEqual(capped.body.usage, { input_tokens: 5, output_tokens: 3 });

    const natural = await postJson(sim, '/v1/messages', { ...messages, max_tokens: 1024 });
    assert.equal(natural.body.stop_reason, 'end_turn');
    assert.equal(natural.body.usage.output_tokens, 6);
  });

  test('messages: max_tokens is required (422)', async () => {
    const res = await postJson(sim, '/v1/messages', messages);
    assert.equal(res.status, 422);
    assert.deepEqual(res.body.detail[0].loc, ['body', 'max_tokens']);
  });

  test('messages stream: Anthropic event names in order, one text_delta per token', async () => {
    const stream = await readStream(sim, '/v1/messages', {
      ...messages,
      max_tokens: 2,
      stream: true,
    });
    assert.deepEqual(stream.events, [
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const delta = JSON.parse(stream.data[5]!);
    assert.deepEqual(delta.usage, { output_tokens: 2 });
    assert.equal(JSON.parse(stream.data[0]!).message.usage.input_tokens, 5);
  });

  test('responses: input is required; usage from input and instructions', async () => {
    const missing = await postJson(sim, '/v1/responses', { model: SMALL, messages: [] });
    assert.equal(missing.status, 422);
    assert.deepEqual(missing.body.detail[0].loc, ['body', 'input']);

    const res = await postJson(sim, '/v1/responses', {
      model: SMALL,
      instructions: 'Be brief.',
      input: 'one two three',
      max_output_tokens: 4,
    });
    assert.equal(res.status, 200);
    assert.match(res.body.id, /^resp_/);
    assert.equal(res.body.status, 'completed');
    assert.equal(res.body.output[0].content[0].text, 'Hello from the simulated ');
    assert.deepEqual(res.body.usage, { input_tokens: 5, output_tokens: 4, total_tokens: 9 });
  });

  test('responses stream: response.completed, never response.done', async () => {
    const stream = await readStream(sim, '/v1/responses', {
      model: SMALL,
      input: 'hi',
      stream: true,
    });
    assert.equal(stream.events[0], 'response.created');
    assert.equal(stream.events.at(-1), 'response.completed');
    assert.equal(stream.events.filter((e) => e === 'response.output_text.delta').length, 6);
    assert.ok(!stream.events.includes('response.done'));
    const completed = JSON.parse(stream.data.at(-1)!);
    assert.equal(completed.response.usage.output_tokens, 6);
  });
});
