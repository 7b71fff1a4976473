import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Cluster } from './cluster.ts';
import { missingFields, sendExoError, sendJson, sendValidationError } from './http.ts';
import type { ExoSimulator } from './index.ts';
import { modelCard, modelListEntry } from './options.ts';
import { computePlacement, formatGb, parseInstance } from './placement.ts';
import { getPreviews } from './previews.ts';
import { renderInstance, renderState, statePath } from './state.ts';

export interface SimContext {
  cluster: Cluster;
  stats: ExoSimulator['stats'];
}

/** Handles the cluster-control routes; returns false when the route is not one of them. */
export function handleControl(
  ctx: SimContext,
  res: ServerResponse,
  method: string,
  url: URL,
  body: unknown,
): boolean {
  const { cluster } = ctx;
  const path = url.pathname;

  if (method === 'GET' && path === '/node_id') {
    // A bare JSON string, not {"node_id": …} as the docs claim.
    sendJson(res, 200, cluster.options.nodes[0]?.id ?? '');
  } else if (method === 'GET' && path === '/state') {
    sendJson(res, 200, renderState(cluster));
  } else if (method === 'GET' && path.startsWith('/state/')) {
    getStatePath(cluster, res, path);
  } else if (method === 'GET' && (path === '/v1/models' || path === '/models')) {
    listModels(cluster, res, url);
  } else if (method === 'GET' && path === '/instance/placement') {
    ctx.stats.placementCalls += 1;
    getPlacement(cluster, res, url);
  } else if (method === 'GET' && path === '/instance/previews') {
    getPreviews(cluster, res, url);
  } else if (method === 'POST' && path === '/instance') {
    ctx.stats.createInstanceCalls += 1;
    createInstance(cluster, res, body);
  } else if (method === 'POST' && path === '/place_instance') {
    ctx.stats.createInstanceCalls += 1;
    placeInstance(cluster, res, body);
  } else if (path.startsWith('/instance/') && (method === 'GET' || method === 'DELETE')) {
    instanceById(ctx, res, method, decodeURIComponent(path.slice('/instance/'.length)));
  } else if (method === 'POST' && path.startsWith('/v1/cancel/')) {
    cancelCommand(cluster, res, decodeURIComponent(path.slice('/v1/cancel/'.length)));
  } else if (method === 'DELETE' && path.startsWith('/download/')) {
    resetDownload(cluster, res, path.slice('/download/'.length));
  } else {
    return false;
  }
  return true;
}

function getStatePath(cluster: Cluster, res: ServerResponse, path: string) {
  const segments = path.slice('/state/'.length).split('/').filter(Boolean).map(decodeURIComponent);
  const found = statePath(renderState(cluster), segments);
  if (found === undefined) {
    sendExoError(res, 404, `unable to find path '${segments.join('.')}' in state json`);
    return;
  }
  sendJson(res, 200, found);
}

function listModels(cluster: Cluster, res: ServerResponse, url: URL) {
  let models = cluster.options.models;
  if (url.searchParams.get('status') === 'downloaded') {
    models = models.filter((model) =>
      [...cluster.downloads.values()].some(
        (perNode) => perNode.get(model.id)?.status === 'completed',
      ),
    );
  }
  sendJson(res, 200, { object: 'list', data: models.map(modelListEntry) });
}

function getPlacement(cluster: Cluster, res: ServerResponse, url: URL) {
  const modelId = url.searchParams.get('model_id');
  if (!modelId) return sendValidationError(res, {}, ['model_id']);

  // An id outside the catalogue sends EXO to Hugging Face; offline that is an unhandled 500.
  const model = cluster.findModel(modelId);
  if (!model) return plainServerError(res);

  const placed = computePlacement(cluster, model, {
    sharding: url.searchParams.get('sharding') ?? 'Pipeline',
    instanceMeta: url.searchParams.get('instance_meta') ?? 'MlxRing',
    minNodes: Number(url.searchParams.get('min_nodes') ?? '1') || 1,
  });
  if (!placed.ok) return sendExoError(res, placed.status, placed.message);
  sendJson(res, 200, renderInstance(placed.instance));
}

function createInstance(cluster: Cluster, res: ServerResponse, body: unknown) {
  const missing = missingFields(body, ['instance']);
  if (missing.length > 0) return sendValidationError(res, body, missing);

  const parsed = parseInstance(cluster, body);
  if (!parsed.ok && parsed.status === 500) return plainServerError(res);
  if (!parsed.ok) return sendExoError(res, parsed.status, parsed.message);

  const required = parsed.instance.model.sizeBytes;
  const available = cluster.totalAvailableBytes();
  if (required > available) {
    const message = `Insufficient memory to create instance. Required: ${formatGb(required)}, Available: ${formatGb(available)}`;
    return sendExoError(res, 400, message);
  }

  cluster.addInstance(parsed.instance);
  sendJson(res, 200, commandReceived({ model_card: modelCard(parsed.instance.model) }));
}

/** Always "Command received." when the card loads; a placement failure is only logged (#1089). */
function placeInstance(cluster: Cluster, res: ServerResponse, body: unknown) {
  const missing = missingFields(body, ['model_id']);
  if (missing.length > 0) return sendValidationError(res, body, missing);

  const request = body as Record<string, unknown>;
  const model = cluster.findModel(String(request.model_id));
  if (!model) return plainServerError(res);

  const placed = computePlacement(cluster, model, {
    sharding: String(request.sharding ?? 'Pipeline'),
    instanceMeta: String(request.instance_meta ?? 'MlxRing'),
    minNodes: Number(request.min_nodes ?? 1) || 1,
  });
  if (placed.ok) cluster.addInstance(placed.instance);
  sendJson(res, 200, commandReceived({ model_card: modelCard(model) }));
}

function instanceById(ctx: SimContext, res: ServerResponse, method: string, id: string) {
  const { cluster } = ctx;
  if (method === 'DELETE') ctx.stats.deleteInstanceCalls += 1;

  // `/instance/await` does not exist up to v1.0.71: it is routed as an instance id.
  const instance = cluster.instances.get(id);
  if (!instance) return sendExoError(res, 404, 'Instance not found');
  if (method === 'GET') return sendJson(res, 200, renderInstance(instance));

  cluster.deleteInstance(id);
  sendJson(res, 200, commandReceived({ instance_id: id }));
}

function cancelCommand(cluster: Cluster, res: ServerResponse, commandId: string) {
  const task = cluster.tasks.get(commandId);
  if (!task) return sendExoError(res, 404, 'Command not found or already completed');
  task.stop('cancelled');
  sendJson(res, 200, { message: 'Command cancelled.', command_id: commandId });
}

/** `DELETE /download/{node}/{model}`: wipes the files and resets a (sticky) failed download. */
function resetDownload(cluster: Cluster, res: ServerResponse, rest: string) {
  const [nodeId = '', ...modelParts] = rest.split('/').map(decodeURIComponent);
  const modelId = modelParts.join('/');
  cluster.downloads.get(nodeId)?.delete(modelId);
  sendJson(res, 200, commandReceived({}));
}

function commandReceived(extra: Record<string, unknown>): Record<string, unknown> {
  return { message: 'Command received.', command_id: randomUUID(), ...extra };
}

function plainServerError(res: ServerResponse) {
  res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('Internal Server Error');
}
