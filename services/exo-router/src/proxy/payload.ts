// Reads and rewrites one JSON payload (a whole non-stream body or one SSE data event) of the
// three APIs the router proxies. Rewriting is done in place on the parsed object.

export type Api = 'chat' | 'messages' | 'responses';

export interface Usage {
  input?: number;
  output?: number;
}

export interface PayloadFacts {
  usage: Usage;
  /** The payload carries generated output (text, reasoning or tool calls). */
  hasOutput: boolean;
  /** The payload is the stream's normal last event. */
  terminal: boolean;
  /** The payload reports an error. */
  error: boolean;
}

type Json = Record<string, unknown>;

export function inspectPayload(api: Api, payload: Json): PayloadFacts {
  const facts: PayloadFacts = { usage: {}, hasOutput: false, terminal: false, error: false };
  if (payload.error !== undefined && payload.error !== null) facts.error = true;

  if (api === 'chat') inspectChat(payload, facts);
  else if (api === 'messages') inspectMessages(payload, facts);
  else inspectResponses(payload, facts);
  return facts;
}

/** Puts the client's model name back and, for EXO chat chunks, fixes what strict clients reject. */
export function rewritePayload(
  api: Api,
  payload: Json,
  options: { model: string; chunk: boolean },
): void {
  if (typeof payload.model === 'string') payload.model = options.model;
  const nested = (payload.message ?? payload.response) as Json | undefined;
  if (nested && typeof nested === 'object' && typeof nested.model === 'string') {
    nested.model = options.model;
  }
  if (api !== 'chat' || !options.chunk) return;

  // EXO names stream chunks "chat.completion" (exo-api §4.4); OpenAI clients expect ".chunk".
  if (payload.object === 'chat.completion') payload.object = 'chat.completion.chunk';
  for (const choice of arrayOf(payload.choices)) {
    const delta = (choice as Json).delta;
    if (delta && typeof delta === 'object') dropNullKeys(delta as Json);
  }
}

/** The first chunk OpenAI streams carry: role only, no content. EXO never sends it. */
export function roleChunk(first: Json): Json {
  return {
    id: first.id,
    object: 'chat.completion.chunk',
    created: first.created,
    model: first.model,
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
  };
}

// EXO ≤ 1.0.71 sends tool_calls/name/function_call: null in deltas, which strict clients
// iterate and crash on (exo-explore/exo#2082). content and refusal may legally be null.
function dropNullKeys(delta: Json): void {
  for (const [key, value] of Object.entries(delta)) {
    if (value === null && key !== 'content' && key !== 'refusal') delete delta[key];
  }
}

function inspectChat(payload: Json, facts: PayloadFacts): void {
  const usage = payload.usage as Json | null | undefined;
  if (usage) {
    facts.usage = {
      input: numberOr(usage.prompt_tokens),
      output: numberOr(usage.completion_tokens),
    };
  }
  for (const choice of arrayOf(payload.choices)) {
    const part = ((choice as Json).delta ?? (choice as Json).message) as Json | undefined;
    if (!part) continue;
    const text = part.content ?? part.reasoning_content ?? part.reasoning;
    if ((typeof text === 'string' && text !== '') || arrayOf(part.tool_calls).length > 0) {
      facts.hasOutput = true;
    }
  }
}

function inspectMessages(payload: Json, facts: PayloadFacts): void {
  const type = payload.type;
  const usage = (type === 'message_start' ? (payload.message as Json)?.usage : payload.usage) as
    | Json
    | undefined;
  if (usage)
    facts.usage = { input: numberOr(usage.input_tokens), output: numberOr(usage.output_tokens) };

  if (type === 'content_block_delta') facts.hasOutput = true;
  if (type === 'message') facts.hasOutput = arrayOf(payload.content).length > 0;
  if (type === 'message_stop') facts.terminal = true;
  if (type === 'error') facts.error = true;
}

function inspectResponses(payload: Json, facts: PayloadFacts): void {
  const type = typeof payload.type === 'string' ? payload.type : '';
  const response = (type.startsWith('response.') ? payload.response : payload) as Json | undefined;
  const usage = response?.usage as Json | undefined;
  if (usage)
    facts.usage = { input: numberOr(usage.input_tokens), output: numberOr(usage.output_tokens) };

  if (type.endsWith('.delta')) facts.hasOutput = true;
  if (type === '' && arrayOf(payload.output).length > 0) facts.hasOutput = true;
  if (type === 'response.completed' || type === 'response.incomplete') facts.terminal = true;
  if (type === 'response.failed' || type === 'error') {
    facts.terminal = true;
    facts.error = true;
  }
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Generated text in one payload (for telemetry.recordContent only). */
export function outputTextOf(api: Api, payload: Json): string {
  if (api === 'chat') {
    const choice = arrayOf(payload.choices)[0] as Json | undefined;
    const part = (choice?.delta ?? choice?.message) as Json | undefined;
    return typeof part?.content === 'string' ? part.content : '';
  }
  if (api === 'messages') {
    const delta = payload.delta as Json | undefined;
    if (typeof delta?.text === 'string') return delta.text;
    return textParts(payload.content);
  }
  if (payload.type === 'response.output_text.delta' && typeof payload.delta === 'string') {
    return payload.delta;
  }
  return arrayOf(payload.output)
    .map((item) => textParts((item as Json).content))
    .join('');
}

function textParts(content: unknown): string {
  return arrayOf(content)
    .map((part) => ((part as Json).text as string | undefined) ?? '')
    .join('');
}
