import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Cluster } from './cluster.ts';
import { contentTexts, type GenerationPlan, planFor, runGeneration } from './generation.ts';
import {
  cutStream,
  missingFields,
  sendExoError,
  sendJson,
  sendValidationError,
  startSse,
  writeData,
} from './http.ts';

/** `POST /v1/messages` (Anthropic Messages API), EXO's adapter. */
export async function handleMessages(
  cluster: Cluster,
  res: ServerResponse,
  body: unknown,
  clientSignal: AbortSignal,
): Promise<void> {
  const missing = missingFields(body, ['model', 'max_tokens', 'messages']);
  if (missing.length > 0) return sendValidationError(res, body, missing);

  const request = body as Record<string, unknown>;
  const model = String(request.model);
  const instance = cluster.pickInstance(model);
  if (!instance) return sendExoError(res, 404, `No instance found for model ${model}`);

  const messages = Array.isArray(request.messages) ? request.messages : [];
  const texts = [
    ...contentTexts(request.system),
    ...messages.flatMap((m) => contentTexts((m as { content?: unknown }).content)),
  ];

  // max_tokens is mandatory here, so it caps the reply instead of setting its length.
  const limit = Math.max(1, Math.floor(Number(request.max_tokens)) || 1);
  const defaultLength = cluster.options.completionTokens;
  const plan: GenerationPlan = {
    ...planFor(texts, undefined, defaultLength),
    completionTokens: Math.min(limit, defaultLength),
    limited: limit <= defaultLength,
  };

  const commandId = randomUUID();
  const id = `msg_${commandId}`;
  const stream = request.stream === true;
  let text = '';
  let emitted = 0;
  if (stream) {
    startSse(res);
    const usage = { input_tokens: plan.promptTokens, output_tokens: 0 };
    const message = {
      id,
      type: 'message',
      role: 'assistant',
      content: [],
      model,
      stop_reason: null,
      stop_sequence: null,
      usage,
    };
    event(res, 'message_start', { message });
    event(res, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  }

  const outcome = await runGeneration(
    cluster,
    instance,
    commandId,
    plan,
    {
      onToken: (_index, token) => {
        text += token;
        emitted += 1;
        if (!stream) return;
        event(res, 'content_block_delta', { index: 0, delta: { type: 'text_delta', text: token } });
      },
    },
    clientSignal,
  );

  const stopReason = plan.limited ? 'max_tokens' : 'end_turn';
  if (stream) {
    if (outcome.kind !== 'done' && outcome.kind !== 'error') return cutStream(res);

    // On an error chunk EXO's adapter just stops: the stream still ends normally.
    event(res, 'content_block_stop', { index: 0 });
    event(res, 'message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: emitted },
    });
    event(res, 'message_stop', {});
    res.end();
    return;
  }

  if (outcome.kind !== 'done') {
    res.destroy();
    return;
  }
  sendJson(res, 200, {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: plan.promptTokens, output_tokens: plan.completionTokens },
  });
}

function event(res: ServerResponse, type: string, payload: Record<string, unknown>): void {
  writeData(res, { type, ...payload }, type);
}
