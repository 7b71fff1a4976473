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
import { errorBody, flavourOf, toRouterError } from './http/error-body.ts';
import { registerOperatorRoutes } from './http/operator-routes.ts';
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

  const handle = createInferenceHandler({
    current: () => state,
    manager: deps.manager,
    pools,
    tracer: deps.tracer,
    instruments: createRequestInstruments(deps.meter),
    logger: deps.logger,
    heartbeatMs: deps.heartbeatMs ?? 10_000,
  });
  for (const [url, api] of inferenceRoutes) {
    app.post(url, (request, reply) => handle(api, request, reply));
  }
  registerOperatorRoutes(app, {
    manager: deps.manager,
    table: () => state.table,
    logger: deps.logger,
  });

  await app.ready();
  return {
    fastify: app,
    reconfigure(config) {
      state = { config, table: createRouteTable(config, deps.manager) };
    },
    async close() {
      await app.close();
      await pools.close();
    },
  };
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
  return toRouterError(err);
}
