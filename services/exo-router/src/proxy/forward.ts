import { type Context, type Span, SpanKind, type Tracer } from '@opentelemetry/api';
import { RouterError } from '../errors.ts';
import { endSpan, injectHeaders, startChildSpan } from '../telemetry/request-telemetry.ts';
import type { Api, Usage } from './payload.ts';
import { inspectPayload, outputTextOf, rewritePayload } from './payload.ts';
import type { Responder } from './responder.ts';
import { createStreamRelay } from './stream-relay.ts';
import type { UpstreamPools } from './upstream-pools.ts';
import { cutMidResponse, endpointOf, transportError } from './upstream-pools.ts';
import { isMissingInstance, type UpstreamLabel, upstreamStatusError } from './upstream-status.ts';

// One upstream call inside a CLIENT span: sends the rewritten body, then relays the answer.

export interface ForwardRequest {
  api: Api;
  stream: boolean;
  url: string;
  label: UpstreamLabel;
  provider: string;
  /** The model name the upstream knows (EXO id or the upstream's name). */
  upstreamModel: string;
  /** The name the client sent; put back into every answer. */
  clientModel: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  /** EXO answers need rewriting and normalising; plain upstreams are observed only. */
  rewrite: boolean;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Keep the generated text (telemetry.recordContent). */
  collectOutput: boolean;
}

export interface ForwardResult {
  kind: 'done' | 'missing-instance';
  usage: Usage;
  firstOutputAt?: number;
  interrupted: boolean;
  outputText?: string;
}

export interface ForwardDeps {
  pools: UpstreamPools;
  tracer: Tracer;
  now: () => number;
  /** Called once when the first upstream byte arrives (stops loading heartbeats). */
  onFirstByte: () => void;
  /** Whether a "No instance found" may still be retried (nothing has reached the client). */
  canRetry: boolean;
}

export async function forward(
  request: ForwardRequest,
  responder: Responder,
  parent: Context,
  signal: AbortSignal,
  deps: ForwardDeps,
): Promise<ForwardResult> {
  const endpoint = endpointOf(request.url);
  const client = startChildSpan(
    deps.tracer,
    parent,
    `${OPERATION} ${request.upstreamModel}`,
    SpanKind.CLIENT,
    {
      'gen_ai.operation.name': OPERATION,
      'gen_ai.provider.name': request.provider,
      'gen_ai.request.model': request.upstreamModel,
      'server.address': endpoint.hostname,
      'server.port': endpoint.port,
      'url.full': request.url,
      'http.request.method': 'POST',
    },
  );

  let failure: Error | undefined;
  try {
    const result = await send(request, responder, client, signal, deps);
    client.span.setAttributes(usageAttributes(result.usage));
    if (result.interrupted)
      failure = new RouterError(
        'stream_interrupted',
        'upstream stream ended without its normal end',
      );
    return result;
  } catch (err) {
    failure = err as Error;
    throw err;
  } finally {
    endSpan(client.span, failure);
  }
}

async function send(
  req: ForwardRequest,
  res: Responder,
  client: { span: Span; context: Context },
  sig: AbortSignal,
  d: ForwardDeps,
): Promise<ForwardResult> {
  const body = JSON.stringify({ ...req.body, model: req.upstreamModel });
  const headers = {
    ...req.headers,
    ...injectHeaders(client.context),
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    accept: req.stream ? 'text/event-stream' : 'application/json',
  };

  let response: Awaited<ReturnType<UpstreamPools['request']>>;
  try {
    response = await d.pools.request({
      url: req.url,
      headers,
      body,
      signal: sig,
      headersTimeoutMs: req.headersTimeoutMs,
      bodyTimeoutMs: req.bodyTimeoutMs,
    });
  } catch (err) {
    if (sig.aborted) throw err;
    throw transportError(err, req.label);
  }
  client.span.setAttribute('http.response.status_code', response.statusCode);

  if (response.statusCode >= 300) {
    const text = await response.body.text().catch(() => '');
    if (d.canRetry && req.label.exo && isMissingInstance(response.statusCode, text)) {
      return { kind: 'missing-instance' as const, usage: {}, interrupted: false };
    }
    throw upstreamStatusError(response.statusCode, text, response.headers, req.label);
  }

  const type = String(response.headers['content-type'] ?? '');
  if (type.includes('text/event-stream')) return relayStream(req, res, response.body, sig, d);
  let text: string;
  try {
    text = await response.body.text();
  } catch (err) {
    if (sig.aborted) throw err;
    // Headers arrived, so the upstream was reachable: a broken body is its error, not ours.
    throw cutMidResponse(err, req.label);
  }
  return relayJson(req, res, text, type, d);
}

async function relayStream(
  req: ForwardRequest,
  res: Responder,
  body: AsyncIterable<Buffer>,
  signal: AbortSignal,
  deps: ForwardDeps,
): Promise<ForwardResult> {
  const relay = createStreamRelay({
    api: req.api,
    mode: req.rewrite ? 'rewrite' : 'observe',
    model: req.clientModel,
    upstreamModel: req.upstreamModel,
    collectText: req.collectOutput,
    now: deps.now,
  });
  res.commitSse();

  let first = true;
  try {
    for await (const chunk of body) {
      if (first) {
        first = false;
        deps.onFirstByte();
      }
      const out = relay.push(chunk);
      if (out !== undefined) await res.write(out, signal, relay.facts.dataEvents > 0);
    }
  } catch (err) {
    if (signal.aborted) throw err;
    // The upstream connection broke mid-stream: finish with an explicit error event below.
  }

  const { tail, interrupted } = relay.end();
  res.end(tail);
  return {
    kind: 'done',
    usage: relay.facts.usage,
    firstOutputAt: relay.facts.firstOutputAt,
    interrupted,
    ...(relay.facts.text === undefined ? {} : { outputText: relay.facts.text }),
  };
}

function relayJson(
  req: ForwardRequest,
  res: Responder,
  text: string,
  type: string,
  deps: ForwardDeps,
): ForwardResult {
  deps.onFirstByte();
  let payload: Record<string, unknown> | undefined;
  try {
    payload = JSON.parse(text) as Record<string, unknown>;
  } catch {
    payload = undefined;
  }

  if (payload === undefined || typeof payload !== 'object' || payload === null) {
    // EXO answers a failed non-stream generation with a broken or empty body (exo-api §4.5).
    if (req.label.exo) {
      const excerpt = text.slice(0, 200) || 'an empty body';
      throw new RouterError(
        'exo_error',
        `EXO at ${req.url} returned an unusable answer: ${excerpt}`,
      );
    }
    res.sendJson(200, text, type ? { 'content-type': type } : {});
    return { kind: 'done', usage: {}, interrupted: false };
  }

  const facts = inspectPayload(req.api, payload);
  if (req.rewrite) rewritePayload(req.api, payload, { model: req.clientModel, chunk: false });
  else if (typeof payload.model === 'string') payload.model = req.clientModel;
  res.sendJson(200, JSON.stringify(payload));
  const outputText = req.collectOutput
    ? outputTextOf(req.api, payload).slice(0, 16 * 1024)
    : undefined;
  return {
    kind: 'done',
    usage: facts.usage,
    interrupted: false,
    ...(outputText === undefined ? {} : { outputText }),
  };
}

/** gen_ai.operation.name of every proxied API: all three are chat-style generation. */
export const OPERATION = 'chat';

export function usageAttributes(usage: Usage): Record<string, number> {
  const attributes: Record<string, number> = {};
  if (usage.input !== undefined) attributes['gen_ai.usage.input_tokens'] = usage.input;
  if (usage.output !== undefined) attributes['gen_ai.usage.output_tokens'] = usage.output;
  return attributes;
}
