import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { UpstreamConfig } from '../config.ts';
import { RouterError } from '../errors.ts';
import type { ModelManager, ModelStatus } from '../proxy/manager-port.ts';
import { globToRegExp, type RouteTable } from '../proxy/route-table.ts';

// Operator endpoints: model listing with state, load/unload, health. None of them wakes a model
// except an explicit POST /models/{name}/load.

export interface OperatorDeps {
  manager: ModelManager;
  table: () => RouteTable;
  logger: Logger;
}

export function registerOperatorRoutes(app: FastifyInstance, deps: OperatorDeps): void {
  const { manager } = deps;

  app.get('/v1/models', async () => ({
    object: 'list',
    data: [
      ...manager.list().map(exoEntry),
      ...(await upstreamEntries(deps.table().upstreams, deps.logger)),
    ],
  }));

  app.get('/running', async () => ({ models: manager.list() }));

  app.post<{ Params: { name: string } }>('/models/:name/load', async (request) => {
    const name = knownModel(manager, request.params.name);
    return { model: await manager.load(name) };
  });

  app.post<{ Params: { name: string } }>('/models/:name/unload', async (request) => {
    const name = knownModel(manager, request.params.name);
    await manager.unload(name, 'admin');
    return { unloaded: [name] };
  });

  app.post('/unload', async () => {
    const loaded = manager
      .list()
      .filter((m) => m.state !== 'unloaded')
      .map((m) => m.name);
    await manager.unloadAll('admin');
    return { unloaded: loaded };
  });

  app.get('/health/live', async () => ({ status: 'ok' }));

  app.get('/health/ready', async (_request, reply) => {
    const exo = await manager.exoReachable();
    return reply.code(exo.ok ? 200 : 503).send({ status: exo.ok ? 'ready' : 'unavailable', exo });
  });
}

function knownModel(manager: ModelManager, requested: string): string {
  const name = manager.canonicalName(requested);
  if (name !== undefined) return name;
  const names = manager.list().map((m) => m.name);
  throw new RouterError(
    'model_not_found',
    `model "${requested}" is not an EXO model of this router; known: ${names.join(', ') || 'none'}`,
  );
}

function exoEntry(status: ModelStatus) {
  return {
    id: status.name,
    object: 'model',
    created: 0,
    owned_by: 'exo',
    exo_model_id: status.exoModelId,
    aliases: status.aliases,
    state: status.state,
    ...(status.progress ? { progress: status.progress } : {}),
    in_flight: status.inFlight,
    queued: status.queued,
    idle_until: status.idleUntil,
  };
}

// Upstream models: what each upstream lists now (bounded wait), else the configured names.
async function upstreamEntries(upstreams: readonly UpstreamConfig[], logger: Logger) {
  const lists = await Promise.all(upstreams.map((u) => upstreamModels(u, logger)));
  return lists.flat();
}

async function upstreamModels(upstream: UpstreamConfig, logger: Logger) {
  const entry = (id: string, state: string) => ({
    id,
    object: 'model',
    created: 0,
    owned_by: upstream.provider,
    upstream: upstream.name,
    state,
  });
  const exact = upstream.models.filter((m) => !m.includes('*'));
  try {
    const response = await fetch(`${upstream.baseUrl}/models`, {
      signal: AbortSignal.timeout(2000),
      headers: upstream.apiKey ? { authorization: `Bearer ${upstream.apiKey}` } : {},
    });
    const body = (await response.json()) as { data?: { id?: unknown }[] };
    const patterns = upstream.models.map(globToRegExp);
    const listed = (body.data ?? [])
      .map((m) => m.id)
      .filter((id): id is string => typeof id === 'string' && patterns.some((p) => p.test(id)));
    const missing = exact.filter((id) => !listed.includes(id));
    return [
      ...listed.map((id) => entry(id, 'available')),
      ...missing.map((id) => entry(id, 'unlisted')),
    ];
  } catch (err) {
    logger.debug(
      { upstream: upstream.name, reason: (err as Error).message },
      'upstream model list unavailable',
    );
    return exact.map((id) => entry(id, 'unknown'));
  }
}
