import underPressure from '@fastify/under-pressure';
import type { Meter, Tracer } from '@opentelemetry/api';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import type { RouterConfig } from './config.ts';
import { RouterError } from './errors.ts';
import { createAuthHook } from './http/auth.ts';
import { errorBody, flavourOf } from './http/error-body.ts';
import { registerOperatorRoutes } from './http/operator-routes.ts';
import { trackReceiving } from './http/receiving.ts';
import { createInferenceHandler } from './proxy/inference-handler.ts';
import type { ModelManager } from './proxy/manager-port.ts';
import type { Api } from './proxy/payload.ts';
import { createRouteTable, type RouteTable } from './proxy/route-table.ts';
import { createUpstreamPools } from './proxy/upstream-pools.ts';
import { createRequestInstruments } from './telemetry/request-telemetry.ts';

export interface AppDeps {
  config: RouterConfig;
  manager: ModelManager;
  logger: Logger;
  tracer: Tracer;
  meter: Meter;
  /** Interval of SSE heartbeat comments while a streaming client waits for a load. */
  heartbeatMs?: number;
}

export interface RouterApp {
  readonly fastify: FastifyInstance;
  /** Swaps the routing table and keys; requests already running keep what they started with. */
  reconfigure(config: RouterConfig): void;
  /** Ends every inference request still running with an explicit shutting_down error. */
  closeRequests(message: string): number;
  /** Answers requests whose body is still arriving with 503 shutting_down (shutdown start). */
  refuseReceiving(message: string): number;
  close(): Promise<void>;
}

const inferenceRoutes: [string, Api][] = [
  ['/v1/chat/completions', 'chat'],
  ['/chat/completions', 'chat'],
  ['/v1/messages', 'messages'],
  ['/v1/responses', 'responses'],
];

/** Builds the router's HTTP app; it never listens by itself. */
export async function createApp(deps: AppDeps): Promise<RouterApp> {
  let state: { config: RouterConfig; table: RouteTable } = {
    config: deps.config,
    table: createRouteTable(deps.config, deps.manager),
  };
  const pools = createUpstreamPools();

  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Per-request lines would be noise at info; the spans carry every request.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.config.limits.bodyLimit,
    return503OnClosing: true,
    // Bounds the RECEIPT of a request (a client that promises more body than it sends); Node
    // answers 408 and closes. Responses, however long they stream, are not affected.
    requestTimeout: deps.config.limits.requestTimeout,
    // Node only enforces requestTimeout when it is given to the http.Server constructor (setting
    // it afterwards, as fastify does, leaves it unchecked on Node 24), and checks it every
    // connectionsCheckingInterval (30 s by default).
    http: {
      requestTimeout: deps.config.limits.requestTimeout,
      connectionsCheckingInterval: checkingIntervalFor(deps.config.limits.requestTimeout),
    },
  });

  // Bodies arrive as bytes whatever the content type: we parse (and re-send) them ourselves.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  await app.register(underPressure, {
    maxEventLoopDelay: deps.config.limits.maxEventLoopDelay,
    maxHeapUsedBytes: deps.config.limits.maxHeapUsedBytes,
    retryAfter: 5,
    // Returning a body makes under-pressure send it; undefined lets the request through.
    pressureHandler: ((request, reply, type) => {
      if (request.url.startsWith('/health/')) return undefined;
      const error = new RouterError(
        'overloaded',
        `the router is overloaded (${type}); retry shortly`,
      );
      reply.code(503).header('retry-after', '5');
      return errorBody(error, flavourOf(request.url));
    }) as (request: FastifyRequest, reply: FastifyReply, type: string) => void,
  });

  app.addHook(
    'onRequest',
    createAuthHook(() => state.config.auth.apiKeys),
  );

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const error = fromFastifyError(err, state.config);
    if (error.status >= 500)
      request.log.warn({ code: error.code, reason: error.message }, 'request failed');
    if (error.retryAfterSeconds !== undefined)
      reply.header('retry-after', String(error.retryAfterSeconds));
    return reply.code(error.status).send(errorBody(error, flavourOf(request.url)));
  });

  app.setNotFoundHandler((request, reply) => {
    const message = `no route ${request.method} ${request.url.split('?')[0]}`;
    return reply
      .code(404)
      .send(errorBody(new RouterError('invalid_request', message), flavourOf(request.url)));
  });

  const inference = createInferenceHandler({
    current: () => state,
    manager: deps.manager,
    pools,
    tracer: deps.tracer,
    instruments: createRequestInstruments(deps.meter),
    logger: deps.logger,
    heartbeatMs: deps.heartbeatMs ?? 10_000,
  });
  for (const [url, api] of inferenceRoutes) {
    app.post(url, (request, reply) => inference.handle(api, request, reply));
  }
  registerOperatorRoutes(app, {
    manager: deps.manager,
    table: () => state.table,
    logger: deps.logger,
  });

  const receiving = trackReceiving(app.server);
  await app.ready();
  return {
    fastify: app,
    reconfigure(config) {
      state = { config, table: createRouteTable(config, deps.manager) };
    },
    refuseReceiving: (message) => receiving.refuseAll(message),
    closeRequests(message) {
      return inference.closeAll(new RouterError('shutting_down', message));
    },
    async close() {
      await app.close();
      await pools.close();
    },
  };
}

function checkingIntervalFor(requestTimeoutMs: number): number {
  if (requestTimeoutMs <= 0) return 30_000;
  return Math.min(30_000, Math.max(50, Math.round(requestTimeoutMs / 4)));
}

function fromFastifyError(err: FastifyError, config: RouterConfig): RouterError {
  if (err instanceof RouterError) return err;
  if (err.statusCode === 413) {
    return new RouterError(
      'body_too_large',
      `the request body is larger than limits.bodyLimit (${config.limits.bodyLimit} bytes)`,
    );
  }
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return new RouterError('invalid_request', err.message);
  }
  // Only the inference handler talks to upstreams (and labels their failures itself); anything
  // else thrown here is the router's own fault, never an upstream_error.
  return new RouterError('internal_error', `exo-router internal error: ${err.message}`, {
    cause: err,
  });
}
