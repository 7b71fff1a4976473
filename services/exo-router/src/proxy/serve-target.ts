import { performance } from 'node:perf_hooks';
import { type Context, SpanKind, type Tracer } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import type { RouterConfig } from '../config.ts';
import { endSpan, startChildSpan } from '../telemetry/request-telemetry.ts';
import { type ForwardDeps, type ForwardRequest, type ForwardResult, forward } from './forward.ts';
import type { KeepAlive, Lease, LoadProgress, ModelManager } from './manager-port.ts';
import type { Api } from './payload.ts';
import { passHeaders } from './request-body.ts';
import type { Responder } from './responder.ts';
import type { Target } from './route-table.ts';
import type { UpstreamPools } from './upstream-pools.ts';

// Serves one request on its target: a plain upstream directly, an EXO model after the manager
// has it ready (and once more if EXO lost the instance before answering).

export interface Call {
  api: Api;
  body: Record<string, unknown>;
  stream: boolean;
  request: FastifyRequest;
  keepAlive: KeepAlive | undefined;
  /** telemetry.recordContent: keep the generated text for the span. */
  collectOutput: boolean;
}

export interface ServeDeps {
  manager: ModelManager;
  pools: UpstreamPools;
  tracer: Tracer;
  heartbeatMs: number;
}

const apiPath: Record<Api, string> = {
  chat: 'chat/completions',
  messages: 'messages',
  responses: 'responses',
};

export async function serveTarget(
  deps: ServeDeps,
  config: RouterConfig,
  target: Target,
  call: Call,
  res: Responder,
  ctx: Context,
  signal: AbortSignal,
): Promise<ForwardResult> {
  let progress: LoadProgress | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  if (call.stream) {
    // SSE comments keep clients and proxies from timing out while the model loads; SSE parsers
    // ignore them. Nothing is committed before the first tick, so fast errors (429 above all)
    // still get a real status line.
    heartbeat = setInterval(() => res.heartbeat(describeProgress(progress)), deps.heartbeatMs);
    heartbeat.unref();
  }
  const stopHeartbeat = () => clearInterval(heartbeat);
  const forwardDeps = (canRetry: boolean): ForwardDeps => ({
    pools: deps.pools,
    tracer: deps.tracer,
    now: () => performance.now(),
    onFirstByte: stopHeartbeat,
    canRetry,
  });

  const base = {
    api: call.api,
    stream: call.stream,
    clientModel: target.requested,
    body: call.body,
    collectOutput: call.collectOutput,
  };
  const headers = passHeaders(call.request.headers);
  try {
    if (target.kind === 'upstream') {
      const { upstream } = target;
      const request: ForwardRequest = {
        ...base,
        url: `${upstream.baseUrl}/${apiPath[call.api]}`,
        label: { label: `upstream ${upstream.name}`, url: upstream.baseUrl, exo: false },
        provider: upstream.provider,
        upstreamModel: target.requested,
        headers: upstream.apiKey
          ? { ...headers, authorization: `Bearer ${upstream.apiKey}` }
          : headers,
        rewrite: false,
        headersTimeoutMs: config.defaults.loadTimeout,
        bodyTimeoutMs: config.defaults.stallTimeout,
      };
      return await forward(request, res, ctx, signal, forwardDeps(false));
    }

    const model = config.models[target.name];
    for (let attempt = 1; ; attempt += 1) {
      const lease = await acquire(deps, target, call.keepAlive, ctx, signal, (p) => {
        progress = p;
      });
      let done = false;
      try {
        const request: ForwardRequest = {
          ...base,
          url: `${config.exo.baseUrl}/v1/${apiPath[call.api]}`,
          label: { label: 'EXO', url: config.exo.baseUrl, exo: true },
          provider: 'exo',
          upstreamModel: lease.exoModelId,
          headers,
          rewrite: true,
          headersTimeoutMs: model?.loadTimeout ?? config.defaults.loadTimeout,
          bodyTimeoutMs: model?.stallTimeout ?? config.defaults.stallTimeout,
        };
        const canRetry = attempt === 1 && !res.dataSent;
        const result = await forward(request, res, ctx, signal, forwardDeps(canRetry));
        if (result.kind === 'done') {
          done = true;
          return result;
        }
        // EXO lost the instance between our readiness check and the call (exo-api §4.5).
        await deps.manager.reportMissingInstance(target.name, lease);
      } finally {
        lease.release(done && call.keepAlive ? { keepAlive: call.keepAlive } : undefined);
      }
    }
  } finally {
    stopHeartbeat();
  }
}

// The wait for the model (queue and load) in its own span; the load span nests under it.
async function acquire(
  deps: ServeDeps,
  target: Target,
  keepAlive: KeepAlive | undefined,
  ctx: Context,
  signal: AbortSignal,
  onProgress: (p: LoadProgress) => void,
): Promise<Lease> {
  const wait = startChildSpan(deps.tracer, ctx, 'exo_router.queue.wait', SpanKind.INTERNAL, {
    'gen_ai.request.model': target.name,
  });
  try {
    const lease = await deps.manager.acquire(target.name, {
      signal,
      onProgress,
      parentContext: wait.context,
      ...(keepAlive ? { keepAlive } : {}),
    });
    wait.span.setAttribute('exo.instance.id', lease.instanceId);
    endSpan(wait.span);
    return lease;
  } catch (err) {
    endSpan(wait.span, err as Error);
    throw err;
  }
}

function describeProgress(progress: LoadProgress | undefined): string {
  if (!progress) return 'loading';
  const percent = progress.fraction === undefined ? '' : ` ${Math.round(progress.fraction * 100)}%`;
  return `loading ${progress.phase}${percent}`;
}
