import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { contentTexts, type GenerationPlan, planFor, tokenText } from '../exo-sim/generation.ts';
import type { StandInState } from './index.ts';
import { sendError, sendJson } from './server.ts';

const FINGERPRINT = 'b6795-sim';

/**
 * llama-server's `/v1/chat/completions` behind llama-swap: a swap delay when the model is not
 * the running one, then one token per chunk. Usage follows the EXO simulator's rule
 * (see exo-sim/generation.ts): prompt = words in the messages (min 1), completion = max_tokens
 * or completionTokens.
 */
export async function handleStandInChat(
  state: StandInState,
  _req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
): Promise<void> {
  const request = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const model = request.model;
  if (typeof model !== 'string' || model === '') {
    return sendError(res, 400, 'could not find a model name in the request body');
  }
  if (!state.options.models.includes(model)) {
    return sendError(res, 404, `could not find suitable inference handler for ${model}`);
  }

  const client = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) client.abort();
  });

  const messages = Array.isArray(request.messages) ? request.messages : [];
  const texts = messages.flatMap((m) => contentTexts((m as { content?: unknown }).content));
  const plan = planFor(texts, request.max_tokens, state.options.completionTokens);
  const run = {
    state,
    model,
    plan,
    id: `chatcmpl-${randomBytes(16).toString('hex')}`,
    created: Math.floor(Date.now() / 1000),
  };
  const options = request.stream_options as { include_usage?: boolean } | undefined;

  try {
    await ensureRunning(state, model, client.signal);
    if (request.stream === true)
      await stream(run, res, options?.include_usage === true, client.signal);
    else await collect(run, res, client.signal);
  } catch {
    // The client went away: nothing left to answer.
    res.destroy();
  }
}

interface Run {
  state: StandInState;
  model: string;
  plan: GenerationPlan;
  id: string;
  created: number;
}

/** One model at a time, as llama-swap's default group: another model means a swap. */
async function ensureRunning(
  state: StandInState,
  model: string,
  signal: AbortSignal,
): Promise<void> {
  while (state.running !== model) {
    if (state.swapping) {
      await state.swapping.done;
      continue;
    }
    const done = sleep(state.options.swapMs).then(() => {
      state.running = model;
      state.swapping = undefined;
    });
    state.stats.swaps += 1;
    state.running = undefined;
    state.swapping = { model, done };
    await done;
  }
  signal.throwIfAborted();
}

async function stream(run: Run, res: ServerResponse, includeUsage: boolean, signal: AbortSignal) {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();

  const started = Date.now();
  await sleep(run.state.options.prefillMs, undefined, { signal });
  const prefilled = Date.now();
  write(
    res,
    chunk(run, [{ index: 0, finish_reason: null, delta: { role: 'assistant', content: null } }]),
  );
  await generate(run, signal, (text) => {
    write(res, chunk(run, [{ index: 0, finish_reason: null, delta: { content: text } }]));
  });

  const timings = timingsOf(run, prefilled - started, Date.now() - prefilled);
  write(res, {
    ...chunk(run, [{ index: 0, finish_reason: finishReason(run), delta: {} }]),
    timings,
  });
  if (includeUsage) write(res, { ...chunk(run, []), usage: usageOf(run.plan), timings });
  res.write('data: [DONE]\n\n');
  res.end();
}

async function collect(run: Run, res: ServerResponse, signal: AbortSignal) {
  const started = Date.now();
  await sleep(run.state.options.prefillMs, undefined, { signal });
  const prefilled = Date.now();
  let content = '';
  await generate(run, signal, (text) => {
    content += text;
  });

  sendJson(res, 200, {
    choices: [
      { finish_reason: finishReason(run), index: 0, message: { role: 'assistant', content } },
    ],
    created: run.created,
    model: run.model,
    system_fingerprint: FINGERPRINT,
    object: 'chat.completion',
    usage: usageOf(run.plan),
    id: run.id,
    timings: timingsOf(run, prefilled - started, Date.now() - prefilled),
  });
}

async function generate(run: Run, signal: AbortSignal, emit: (text: string) => void) {
  for (let index = 0; index < run.plan.completionTokens; index += 1) {
    if (index > 0) {
      const rate = run.state.options.tokensPerSecond;
      await sleep(rate > 0 ? 1000 / rate : 0, undefined, { signal });
    }
    emit(tokenText(index));
  }
}

function chunk(run: Run, choices: unknown[]): Record<string, unknown> {
  return {
    choices,
    created: run.created,
    id: run.id,
    model: run.model,
    system_fingerprint: FINGERPRINT,
    object: 'chat.completion.chunk',
  };
}

function write(res: ServerResponse, data: unknown): void {
  res.write(`data: ${JSON.stringify(data)}\n\n`);
}

function finishReason(run: Run): string {
  return run.plan.limited ? 'length' : 'stop';
}

function usageOf(plan: GenerationPlan) {
  return {
    completion_tokens: plan.completionTokens,
    prompt_tokens: plan.promptTokens,
    total_tokens: plan.promptTokens + plan.completionTokens,
  };
}

/** llama-server's `timings` object, from the measured prefill and generation times. */
function timingsOf(run: Run, promptMs: number, predictedMs: number) {
  const { promptTokens, completionTokens } = run.plan;
  const perSecond = (n: number, ms: number) => (ms > 0 ? (n * 1000) / ms : 0);
  return {
    prompt_n: promptTokens,
    prompt_ms: promptMs,
    prompt_per_token_ms: promptMs / promptTokens,
    prompt_per_second: perSecond(promptTokens, promptMs),
    predicted_n: completionTokens,
    predicted_ms: predictedMs,
    predicted_per_token_ms: predictedMs / completionTokens,
    predicted_per_second: perSecond(completionTokens, predictedMs),
  };
}
