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

/** `POST /v1/responses` (OpenAI Responses API), EXO's adapter; `input` is required. */
export async function handleResponses(
  cluster: Cluster,
  res: ServerResponse,
  body: unknown,
  clientSignal: AbortSignal,
): Promise<void> {
  const missing = missingFields(body, ['model', 'input']);
  if (missing.length > 0) return sendValidationError(res, body, missing);

  const request = body as Record<string, unknown>;
  const model = String(request.model);
  const instance = cluster.pickInstance(model);
  if (!instance) return sendExoError(res, 404, `No instance found for model ${model}`);

  const texts = [...contentTexts(request.instructions), ...inputTexts(request.input)];
  const plan = planFor(texts, request.max_output_tokens, cluster.options.completionTokens);
  const commandId = randomUUID();
  const ids = { response: `resp_${commandId}`, item: `msg_${commandId}` };
  const stream = request.stream === true;
  const emit = sequencer(res);

  if (stream) {
    startSse(res);
    emit('response.created', { response: envelope(ids.response, model, 'in_progress', [], null) });
    emit('response.in_progress', {
      response: envelope(ids.response, model, 'in_progress', [], null),
    });
    emit('response.output_item.added', {
      output_index: 0,
      item: item(ids.item, '', 'in_progress'),
    });
    emit('response.content_part.added', { ...at(ids.item), part: part('') });
  }

  let text = '';
  const outcome = await runGeneration(
    cluster,
    instance,
    commandId,
    plan,
    {
      onToken: (_index, token) => {
        text += token;
        if (stream) emit('response.output_text.delta', { ...at(ids.item), delta: token });
      },
    },
    clientSignal,
  );

  const done = envelope(
    ids.response,
    model,
    'completed',
    [item(ids.item, text, 'completed')],
    plan,
  );
  if (stream) {
    if (outcome.kind !== 'done' && outcome.kind !== 'error') return cutStream(res);

    // On an error chunk EXO's adapter breaks and still completes: errors are invisible.
    emit('response.output_text.done', { ...at(ids.item), text });
    emit('response.content_part.done', { ...at(ids.item), part: part(text) });
    emit('response.output_item.done', { output_index: 0, item: item(ids.item, text, 'completed') });
    emit('response.completed', { response: done });
    res.end();
    return;
  }

  if (outcome.kind !== 'done') {
    res.destroy();
    return;
  }
  sendJson(res, 200, done);
}

function inputTexts(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) return [];
  return input.flatMap((entry) => contentTexts((entry as { content?: unknown })?.content));
}

function sequencer(res: ServerResponse) {
  let sequence = 0;
  return (type: string, payload: Record<string, unknown>) => {
    writeData(res, { type, sequence_number: sequence, ...payload }, type);
    sequence += 1;
  };
}

function at(itemId: string) {
  return { item_id: itemId, output_index: 0, content_index: 0 };
}

function part(text: string) {
  return { type: 'output_text', text, annotations: [] };
}

function item(id: string, text: string, status: string) {
  return { type: 'message', id, status, role: 'assistant', content: text ? [part(text)] : [] };
}

function envelope(
  id: string,
  model: string,
  status: string,
  output: unknown[],
  plan: GenerationPlan | null,
): Record<string, unknown> {
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    model,
    output,
    usage: plan
      ? {
          input_tokens: plan.promptTokens,
          output_tokens: plan.completionTokens,
          total_tokens: plan.promptTokens + plan.completionTokens,
        }
      : null,
  };
}
