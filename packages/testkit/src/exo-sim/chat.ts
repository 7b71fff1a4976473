import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Cluster, InstanceRecord } from './cluster.ts';
import { contentTexts, type GenerationPlan, planFor, runGeneration } from './generation.ts';
import {
  cutStream,
  missingFields,
  sendExoError,
  sendJson,
  sendValidationError,
  startKeepAlive,
  startSse,
  writeComment,
  writeData,
} from './http.ts';

const ROLES = new Set(['system', 'user', 'assistant', 'developer', 'tool', 'function']);

/** `POST /v1/chat/completions`, EXO 1.x: needs an instance, streams with EXO's quirks. */
export async function handleChat(
  cluster: Cluster,
  res: ServerResponse,
  body: unknown,
  clientSignal: AbortSignal,
): Promise<void> {
  const missing = missingFields(body, ['model', 'messages']);
  if (missing.length > 0) return sendValidationError(res, body, missing);

  const request = body as Record<string, unknown>;
  const messages = Array.isArray(request.messages) ? request.messages : [];
  const badRole = messages.findIndex((m) => !ROLES.has((m as { role?: string })?.role ?? ''));
  if (badRole >= 0) return sendRoleError(res, badRole, messages[badRole]);

  const model = String(request.model);
  const instance = cluster.pickInstance(model);
  if (!instance) return sendExoError(res, 404, `No instance found for model ${model}`);

  const texts = messages.flatMap((m) => contentTexts((m as { content?: unknown }).content));
  const plan = planFor(texts, request.max_tokens, cluster.options.completionTokens);
  const run = { cluster, instance, plan, model, id: randomUUID(), created: nowSeconds() };
  if (request.stream === true) return streamChat(run, res, clientSignal);
  return collectChat(run, res, clientSignal);
}

interface ChatRun {
  cluster: Cluster;
  instance: InstanceRecord;
  plan: GenerationPlan;
  model: string;
  id: string;
  created: number;
}

async function streamChat(run: ChatRun, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const { cluster, plan } = run;
  startSse(res);

  const keepAlive = startKeepAlive(res, cluster.options.keepAliveMs);
  const outcome = await runGeneration(
    cluster,
    run.instance,
    run.id,
    plan,
    {
      onPrefilled: () => writeComment(res, `prefill_progress ${prefillProgress(run)}`),
      onToken: (_index, text, last) => {
        keepAlive.touch();
        writeData(res, chunk(run, text, last));
      },
    },
    signal,
  ).finally(() => keepAlive.stop());

  if (outcome.kind === 'done') {
    writeComment(res, `generation_stats ${generationStats(run)}`);
    writeData(res, '[DONE]');
    res.end();
  } else if (outcome.kind === 'error') {
    // Errors after the body started: an error event, then [DONE]; the status stays 200.
    writeData(res, { error: { message: outcome.message, type: 'InternalServerError', code: 500 } });
    writeData(res, '[DONE]');
    res.end();
  } else {
    cutStream(res);
  }
}

async function collectChat(run: ChatRun, res: ServerResponse, signal: AbortSignal): Promise<void> {
  let content = '';
  const outcome = await runGeneration(
    run.cluster,
    run.instance,
    run.id,
    run.plan,
    { onToken: (_index, text) => (content += text) },
    signal,
  );

  if (outcome.kind === 'error') {
    // EXO's collector raises here: a plain 500, not the JSON envelope.
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Internal Server Error');
    return;
  }
  if (outcome.kind !== 'done') {
    // Instance deleted mid-generation: the response is broken; no bytes, connection reset.
    res.destroy();
    return;
  }

  sendJson(res, 200, {
    id: run.id,
    object: 'chat.completion',
    created: run.created,
    model: run.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content },
        finish_reason: run.plan.limited ? 'length' : 'stop',
      },
    ],
    usage: usage(run.plan),
  });
}

/** One streamed chunk: `object` is "chat.completion" and every delta carries the role. */
function chunk(run: ChatRun, text: string, last: boolean): Record<string, unknown> {
  const legacyNulls = run.cluster.faults.nullDeltaFields === true;
  const delta: Record<string, unknown> = { role: 'assistant', content: text };
  const choice: Record<string, unknown> = { index: 0, delta };
  const body: Record<string, unknown> = {
    id: run.id,
    object: 'chat.completion',
    created: run.created,
    model: run.model,
    choices: [choice],
  };

  if (legacyNulls) {
    // EXO <= 1.0.71 serialises unset fields as explicit nulls (exo #2082, fixed by exo #2092).
    Object.assign(delta, { name: null, tool_calls: null, tool_call_id: null, function_call: null });
    Object.assign(choice, { logprobs: null, finish_reason: null });
    Object.assign(body, { usage: null, service_tier: null });
  }
  if (last) {
    choice.finish_reason = run.plan.limited ? 'length' : 'stop';
    body.usage = usage(run.plan);
  }
  return body;
}

export function usage(plan: GenerationPlan): Record<string, unknown> {
  return {
    prompt_tokens: plan.promptTokens,
    completion_tokens: plan.completionTokens,
    total_tokens: plan.promptTokens + plan.completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function prefillProgress(run: ChatRun): string {
  const total = run.plan.promptTokens;
  return JSON.stringify({
    PrefillProgressChunk: { model: run.model, processed_tokens: total, total_tokens: total },
  });
}

function generationStats(run: ChatRun): string {
  const { plan, cluster } = run;
  return JSON.stringify({
    prompt_tps:
      cluster.options.prefillMs > 0 ? (plan.promptTokens * 1000) / cluster.options.prefillMs : 0,
    generation_tps: cluster.options.tokensPerSecond,
    prompt_tokens: plan.promptTokens,
    generation_tokens: plan.completionTokens,
    peak_memory_usage: { in_bytes: run.instance.model.sizeBytes },
    prefix_cache_hit: 'none',
  });
}

function sendRoleError(res: ServerResponse, index: number, message: unknown): void {
  sendJson(res, 422, {
    detail: [
      {
        type: 'literal_error',
        loc: ['body', 'messages', index, 'role'],
        msg: "Input should be 'system', 'user', 'assistant', 'developer', 'tool' or 'function'",
        input: (message as { role?: unknown })?.role ?? null,
      },
    ],
  });
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
