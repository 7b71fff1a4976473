import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type OpenAiStandIn, startOpenAiStandIn } from '@llm-lab/testkit/openai-standin';
import { SpanKind } from '@opentelemetry/api';
import type { HistogramMetricData } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import { type RouterHarness, startRouter } from '../support/router-harness.ts';

// Spans nest client → router → EXO/llama-swap, and the GenAI metrics carry exactly what the
// upstream reported.

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const PROMPT =
  'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen';
const PREFILL_MS = 250;

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const byName = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

describe('request telemetry', () => {
  let h: RouterHarness;
  let standIn: OpenAiStandIn;
  let client: OpenAI;

  before(async () => {
    standIn = await startOpenAiStandIn({ prefillMs: 30 });
    h = await startRouter({
      sim: { prefillMs: PREFILL_MS },
      config: {
        upstreams: {
          'llama-swap': {
            baseUrl: `${standIn.url}/v1`,
            provider: 'llama.cpp',
            models: ['qwen2.5-coder-32b', 'gpt-oss-*'],
          },
        },
      },
    });
    client = new OpenAI({
      baseURL: `${h.url}/v1`,
      apiKey: 'x',
      maxRetries: 0,
      defaultHeaders: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` },
    });
  });
  after(async () => {
    await h.close();
    await standIn.close();
  });

  test('a cold stream: SERVER span continues traceparent, load nests under the queue wait, EXO gets our CLIENT context', async () => {
    const stream = await client.chat.completions.create({
      model: 'llama-1b',
      messages: [{ role: 'user', content: PROMPT }],
      max_tokens: 8,
      stream: true,
    });
    for await (const _chunk of stream) {
      // drain
    }

    const spans = h.spans().filter((s) => s.spanContext().traceId === TRACE_ID);
    const [server] = spans.filter((s) => s.kind === SpanKind.SERVER);
    const [wait] = byName(spans, 'exo_router.queue.wait');
    const [clientSpan] = spans.filter((s) => s.kind === SpanKind.CLIENT);
    const [load] = byName(spans, 'exo_router.model.load');
    assert.ok(
      server && wait && clientSpan && load,
      `spans: ${spans.map((s) => s.name).join(', ')}`,
    );

    assert.equal(parentOf(server), CALLER_SPAN);
    assert.equal(parentOf(wait), server.spanContext().spanId);
    assert.equal(parentOf(load), wait.spanContext().spanId);
    assert.equal(parentOf(clientSpan), server.spanContext().spanId);
    assert.equal(server.attributes['gen_ai.request.model'], 'llama-1b');
    assert.equal(server.attributes['gen_ai.provider.name'], 'exo');
    assert.equal(server.attributes['gen_ai.usage.input_tokens'], 15);
    assert.equal(server.attributes['gen_ai.usage.output_tokens'], 8);
    assert.equal(
      clientSpan.attributes['gen_ai.request.model'],
      'mlx-community/Llama-3.2-1B-Instruct-4bit',
    );

    const upstream = h.sim.requests.find((r) => r.path === '/v1/chat/completions');
    assert.equal(
      upstream?.headers.traceparent,
      `00-${TRACE_ID}-${clientSpan.spanContext().spanId}-01`,
    );
    for (const span of spans)
      assert.ok(!JSON.stringify(span.attributes).includes('fifteen'), 'no prompt text');
  });

  test('metrics carry the upstream’s usage and a TTFT near the simulator’s prefill', async () => {
    const usage = (await h.points(
      'gen_ai.client.token.usage',
    )) as HistogramMetricData['dataPoints'];
    const exo = usage.filter((p) => p.attributes['gen_ai.provider.name'] === 'exo');
    const input = exo.find((p) => p.attributes['gen_ai.token.type'] === 'input');
    const output = exo.find((p) => p.attributes['gen_ai.token.type'] === 'output');
    assert.equal(input?.value.sum, 15);
    assert.equal(output?.value.sum, 8);
    assert.equal(input?.attributes['gen_ai.request.model'], 'llama-1b');
    assert.equal(input?.attributes['gen_ai.operation.name'], 'chat');

    const [ttft] = (await h.points(
      'gen_ai.server.time_to_first_token',
    )) as HistogramMetricData['dataPoints'];
    assert.equal(ttft?.value.count, 1);
    const seconds = ttft?.value.sum ?? 0;
    assert.ok(seconds >= PREFILL_MS / 1000 && seconds < PREFILL_MS / 1000 + 1.5, `ttft ${seconds}`);

    const [tpot] = (await h.points(
      'gen_ai.server.time_per_output_token',
    )) as HistogramMetricData['dataPoints'];
    assert.ok((tpot?.value.sum ?? 0) > 0);
    const [duration] = (await h.points(
      'gen_ai.server.request.duration',
    )) as HistogramMetricData['dataPoints'];
    assert.equal(duration?.value.count, 1);
    const inFlight = await h.points('exo_router.requests.in_flight');
    assert.equal(inFlight[0]?.value, 0);
  });

  test('a warm non-stream request records usage without a TTFT point', async () => {
    await client.chat.completions.create({
      model: 'llama-1b',
      messages: [{ role: 'user', content: 'a b c' }],
      max_tokens: 2,
    });

    const usage = (await h.points(
      'gen_ai.client.token.usage',
    )) as HistogramMetricData['dataPoints'];
    const input = usage.find(
      (p) =>
        p.attributes['gen_ai.token.type'] === 'input' &&
        p.attributes['gen_ai.provider.name'] === 'exo',
    );
    assert.equal(input?.value.count, 2);
    assert.equal(input?.value.sum, 18);
    const [ttft] = (await h.points(
      'gen_ai.server.time_to_first_token',
    )) as HistogramMetricData['dataPoints'];
    assert.equal(ttft?.value.count, 1);
  });

  test('a request for a llama-swap model is proxied with the same spans, metrics and injected context', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-oss-20b',
      messages: [{ role: 'user', content: 'one two three' }],
      max_tokens: 4,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';

    assert.ok(text.length > 0);
    const spans = h.spans().filter((s) => s.attributes['gen_ai.provider.name'] === 'llama.cpp');
    const server = spans.find((s) => s.kind === SpanKind.SERVER);
    const clientSpan = spans.find((s) => s.kind === SpanKind.CLIENT);
    assert.ok(server && clientSpan);
    assert.equal(parentOf(clientSpan), server.spanContext().spanId);
    assert.equal(server.spanContext().traceId, TRACE_ID);

    const upstream = standIn.requests.find((r) => r.path === '/v1/chat/completions');
    assert.equal(
      upstream?.headers.traceparent,
      `00-${TRACE_ID}-${clientSpan.spanContext().spanId}-01`,
    );
    assert.equal((upstream?.body as { model?: string } | undefined)?.model, 'gpt-oss-20b');

    const duration = (await h.points(
      'gen_ai.server.request.duration',
    )) as HistogramMetricData['dataPoints'];
    assert.ok(
      duration.some(
        (p) =>
          p.attributes['gen_ai.provider.name'] === 'llama.cpp' &&
          p.attributes['gen_ai.request.model'] === 'gpt-oss-20b',
      ),
    );
    const usage = (await h.points(
      'gen_ai.client.token.usage',
    )) as HistogramMetricData['dataPoints'];
    const output = usage.find(
      (p) =>
        p.attributes['gen_ai.provider.name'] === 'llama.cpp' &&
        p.attributes['gen_ai.token.type'] === 'output',
    );
    assert.equal(output?.value.sum, 4);
  });

  test('a failed load marks the SERVER span with the error code', async () => {
    h.sim.faults.runnerFailed = 'simulated crash';
    try {
      await h.manager.unload('llama-3b', 'admin').catch(() => undefined);
      const error = await client.chat.completions
        .create({ model: 'llama-3b', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 })
        .catch((e: unknown) => e);
      assert.ok(error instanceof OpenAI.APIError);
    } finally {
      h.sim.faults.runnerFailed = false;
    }

    const server = h
      .spans()
      .find(
        (s) => s.kind === SpanKind.SERVER && s.attributes['gen_ai.request.model'] === 'llama-3b',
      );
    assert.equal(server?.status.code, 2);
    assert.equal(server?.attributes['error.type'], 'load_failed');
  });
});
