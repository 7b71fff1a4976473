import type { ServerResponse } from 'node:http';
import type { Cluster } from './cluster.ts';
import { sendExoError, sendJson } from './http.ts';
import { computePlacement } from './placement.ts';
import { renderInstance } from './state.ts';

const VARIANTS = [
  ['Pipeline', 'MlxRing'],
  ['Pipeline', 'MlxJaccl'],
  ['Tensor', 'MlxRing'],
  ['Tensor', 'MlxJaccl'],
] as const;

/**
 * `GET /instance/previews?model_id=…`: every candidate placement, each with an instance or an
 * error, so a client can ask "does this model fit at all?" without creating anything.
 */
export function getPreviews(cluster: Cluster, res: ServerResponse, url: URL): void {
  const modelId = url.searchParams.get('model_id') ?? '';
  const model = cluster.findModel(modelId);
  if (!model) {
    sendExoError(res, 400, `Failed to load model card: ${modelId}`);
    return;
  }

  const previews = [];
  for (let nodes = 1; nodes <= cluster.options.nodes.length; nodes += 1) {
    // A single node is always Pipeline / MlxRing, so it has one candidate only.
    const variants = nodes === 1 ? VARIANTS.slice(0, 1) : VARIANTS;
    for (const [sharding, instanceMeta] of variants) {
      const placed = computePlacement(cluster, model, { sharding, instanceMeta, minNodes: nodes });
      const exact = placed.ok && placed.instance.runners.length === nodes;
      const base = { model_id: model.id, sharding, instance_meta: instanceMeta };
      if (placed.ok && exact) {
        const delta = Object.fromEntries(
          placed.instance.runners.map((r) => [r.nodeId, r.reservedBytes]),
        );
        previews.push({
          ...base,
          instance: renderInstance(placed.instance),
          memory_delta_by_node: delta,
          error: null,
        });
      } else {
        const error = placed.ok ? 'No cycles found with sufficient memory' : placed.message;
        previews.push({ ...base, instance: null, memory_delta_by_node: null, error });
      }
    }
  }
  sendJson(res, 200, { previews });
}
