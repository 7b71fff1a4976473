import { performance } from 'node:perf_hooks';
import type { Tracer } from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { RouterConfig } from '../config.ts';
import { RouterError } from '../errors.ts';
import { toRouterError } from '../http/error-body.ts';
import { takeKeepAlive } from '../http/keep-alive.ts';
import {
  endSpan,
  extractContext,
  type ModelAttributes,
  type RequestInstruments,
  startServerSpan,
} from '../telemetry/request-telemetry.ts';
import { type ForwardResult, OPERATION, usageAttributes } from './forward.ts';
import type { ModelManager } from './manager-port.ts';
import type { Api } from './payload.ts';
import { parseBody, promptOf, resolveTarget } from './request-body.ts';
import { Responder } from './responder.ts';
import type { RouteTable, Target } from './route-table.ts';
import { type Call, serveTarget } from './serve-target.ts';
import type { UpstreamPools } from './upstream-pools.ts';

// The life of one inference request: validate, route, wait for the model, forward (retrying
// once when EXO lost the instance), and account for it in spans and metrics.

export interface InferenceDeps {
  current(): { config: RouterConfig; table: RouteTable };
  manager: ModelManager;
  pools: UpstreamPools;
  tracer: Tracer;
  instruments: RequestInstruments;
  logger: Logger;
  heartbeatMs: number;
}

export interface InferenceHandler {
  handle(api: Api, request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /**
   * Ends every request still running with an explicit error (an SSE error event once the
   * stream has started, an error status before) and aborts its upstream call. Used by shutdown.
   */
  closeAll(error: RouterError): number;
}

export function createInferenceHandler(deps: InferenceDeps): InferenceHandler {
  const running = new Map<Responder, AbortController>();
  const closeAll = (error: RouterError) => {
    const count = running.size;
    for (const [res, abort] of running) {
      res.fail(error);
      abort.abort(error);
    }
    running.clear();
    return count;
  };
  return { handle, closeAll };

  async function handle(api: Api, request: FastifyRequest, reply: FastifyReply) {
    reply.hijack();
    const started = performance.now();
    const res = new Responder(reply.raw, api);
    const route = request.routeOptions.url ?? request.url;
    const server = startServerSpan(deps.tracer, extractContext(request.headers), `POST ${route}`, {
      'http.request.method': 'POST',
      'http.route': route,
      'url.path': request.url.split('?')[0] ?? request.url,
      'gen_ai.operation.name': OPERATION,
    });

    const abort = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) abort.abort(new Error('client disconnected'));
    });
    running.set(res, abort);

    let target: Target | undefined;
    let result: ForwardResult | undefined;
    let failure: RouterError | undefined;
    let attributes: ModelAttributes | undefined;
    let stream = false;
    try {
      // One snapshot: a reload during this request does not mix two configurations.
      const { config, table } = deps.current();
      const body = parseBody(request.body);
      target = resolveTarget(body, table);
      attributes = deps.instruments.attributesFor(OPERATION, target.name, target.provider);
      server.span.setAttributes(attributes.base);
      server.span.updateName(`${OPERATION} ${target.name}`);
      deps.instruments.inFlight(1, attributes);

      const keepAlive = takeKeepAlive(body, request.headers['x-keep-alive']);
      stream = body.stream === true;
      const recordContent = config.telemetry.recordContent;
      if (recordContent) server.span.setAttribute('gen_ai.input.messages', promptOf(body));
      const call: Call = { api, body, stream, request, keepAlive, collectOutput: recordContent };
      result = await serveTarget(deps, config, target, call, res, server.context, abort.signal);
      if (recordContent && result.outputText !== undefined) {
        server.span.setAttribute('gen_ai.output.messages', result.outputText);
      }
      if (result.interrupted)
        failure = new RouterError('stream_interrupted', 'upstream stream ended early');
    } catch (err) {
      failure = abort.signal.aborted ? abortedBy(abort.signal) : toRouterError(err);
      if (!abort.signal.aborted) res.fail(failure);
    } finally {
      running.delete(res);
      if (abort.signal.reason instanceof RouterError) failure = abort.signal.reason;
      if (attributes) deps.instruments.inFlight(-1, attributes);
      // Closed by shutdown is the router's doing, not the client's.
      const aborted = abort.signal.aborted && !(abort.signal.reason instanceof RouterError);
      const usage = result?.usage ?? {};
      server.span.setAttributes(usageAttributes(usage));
      server.span.setAttribute('http.response.status_code', res.status);
      endSpan(server.span, failure);
      if (attributes) {
        const first = stream ? result?.firstOutputAt : undefined;
        const errorType = aborted ? 'client_aborted' : failure?.code;
        deps.instruments.record(
          {
            durationS: (performance.now() - started) / 1000,
            usage,
            ...(first === undefined ? {} : { ttftS: (first - started) / 1000 }),
            ...(errorType ? { errorType } : {}),
          },
          attributes,
        );
      }
      if (failure && failure.status >= 500 && !aborted) {
        deps.logger.warn(
          { code: failure.code, model: target?.name, reason: failure.message },
          'request failed',
        );
      }
    }
  }
}

function abortedBy(signal: AbortSignal): RouterError {
  return signal.reason instanceof RouterError
    ? signal.reason
    : new RouterError('upstream_error', 'client disconnected');
}
