import { randomUUID } from 'node:crypto';
import type { Cluster, InstanceRecord, RunnerRecord } from './cluster.ts';
import type { SimModel } from './index.ts';
import { layersOf } from './options.ts';

export interface PlacementParams {
  sharding: string;
  instanceMeta: string;
  minNodes: number;
}

export type PlacementResult =
  | { ok: true; instance: InstanceRecord }
  | { ok: false; status: number; message: string };

/**
 * Picks the smallest set of nodes whose *available* RAM holds the model (EXO places on
 * available memory, exo #2181), largest nodes first, layers split by available memory.
 */
export function computePlacement(
  cluster: Cluster,
  model: SimModel,
  params: PlacementParams,
): PlacementResult {
  const nodes = cluster.options.nodes
    .map((node) => ({ id: node.id, available: cluster.availableBytes(node.id) }))
    .sort((a, b) => b.available - a.available);

  for (let size = Math.max(1, params.minNodes); size <= nodes.length; size += 1) {
    const chosen = nodes.slice(0, size);
    const available = chosen.reduce((sum, node) => sum + node.available, 0);
    if (available < model.sizeBytes) continue;

    if (size > 1 && params.instanceMeta === 'MlxJaccl') {
      return fail('Requested RDMA (MlxJaccl) but no RDMA-connected cycles available');
    }

    // A single node is forced to Pipeline / MlxRing.
    const tensor = size > 1 && params.sharding === 'Tensor';
    const jaccl = size > 1 && params.instanceMeta === 'MlxJaccl';
    const runners = tensor ? tensorRunners(model, chosen) : pipelineRunners(model, chosen);
    return {
      ok: true,
      instance: {
        instanceId: randomUUID(),
        model,
        tag: jaccl ? 'MlxJacclInstance' : 'MlxRingInstance',
        shardTag: tensor ? 'TensorShardMetadata' : 'PipelineShardMetadata',
        runners,
        ephemeralPort: cluster.allocatePort(),
        failures: 0,
      },
    };
  }
  return fail('No cycles found with sufficient memory');
}

function fail(message: string): PlacementResult {
  return { ok: false, status: 400, message };
}

function pipelineRunners(model: SimModel, nodes: { id: string; available: number }[]) {
  const layers = layersOf(model);
  const totalAvailable = nodes.reduce((sum, node) => sum + node.available, 0);
  const runners: RunnerRecord[] = [];
  let start = 0;

  nodes.forEach((node, index) => {
    const last = index === nodes.length - 1;
    const share = Math.max(1, Math.round((layers * node.available) / totalAvailable));
    const end = last ? layers : Math.min(layers - (nodes.length - index - 1), start + share);
    runners.push(newRunner(node.id, start, end, (model.sizeBytes * (end - start)) / layers));
    start = end;
  });
  return runners;
}

function tensorRunners(model: SimModel, nodes: { id: string }[]) {
  const layers = layersOf(model);
  return nodes.map((node) => newRunner(node.id, 0, layers, model.sizeBytes / nodes.length));
}

function newRunner(nodeId: string, startLayer: number, endLayer: number, bytes: number) {
  const runner: RunnerRecord = {
    runnerId: randomUUID(),
    nodeId,
    startLayer,
    endLayer,
    reservedBytes: Math.round(bytes),
    phase: 'idle',
    progress: 0,
    present: true,
  };
  return runner;
}

/**
 * Reads the `instance` of a `POST /instance` body. EXO validates instance objects with both
 * camelCase and snake_case keys, so both are accepted here.
 */
export function parseInstance(cluster: Cluster, body: unknown): PlacementResult {
  const tagged = field(body, 'instance');
  const tag = tagged && typeof tagged === 'object' ? Object.keys(tagged)[0] : undefined;
  if (tag !== 'MlxRingInstance' && tag !== 'MlxJacclInstance') {
    return {
      ok: false,
      status: 422,
      message: 'instance must be a tagged MlxRingInstance or MlxJacclInstance',
    };
  }

  const inner = field(tagged, tag);
  const assignments = field(inner, 'shardAssignments', 'shard_assignments');
  const modelId = field(assignments, 'modelId', 'model_id');
  const instanceId = field(inner, 'instanceId', 'instance_id');
  const runnerToShard = field(assignments, 'runnerToShard', 'runner_to_shard') ?? {};
  const nodeToRunner = field(assignments, 'nodeToRunner', 'node_to_runner') ?? {};
  if (typeof modelId !== 'string' || typeof instanceId !== 'string') {
    return {
      ok: false,
      status: 422,
      message: 'instance needs instanceId and shardAssignments.modelId',
    };
  }

  const model = cluster.findModel(modelId);
  if (!model) return { ok: false, status: 500, message: 'Internal Server Error' };

  const runners: RunnerRecord[] = [];
  let shardTag: InstanceRecord['shardTag'] = 'PipelineShardMetadata';
  for (const [nodeId, runnerId] of Object.entries(nodeToRunner as Record<string, string>)) {
    const shard = field(runnerToShard, runnerId) ?? {};
    const shardName = Object.keys(shard)[0];
    if (shardName === 'TensorShardMetadata') shardTag = 'TensorShardMetadata';
    const meta = field(shard, shardName ?? '');
    const start = Number(field(meta, 'startLayer', 'start_layer') ?? 0);
    const end = Number(field(meta, 'endLayer', 'end_layer') ?? layersOf(model));
    const share =
      shardTag === 'TensorShardMetadata'
        ? 1 / Object.keys(nodeToRunner).length
        : (end - start) / layersOf(model);
    const runner = newRunner(nodeId, start, end, model.sizeBytes * share);
    runner.runnerId = runnerId;
    runners.push(runner);
  }

  const port = Number(field(inner, 'ephemeralPort', 'ephemeral_port') ?? cluster.allocatePort());
  return {
    ok: true,
    instance: { instanceId, model, tag, shardTag, runners, ephemeralPort: port, failures: 0 },
  };
}

function field(value: unknown, ...keys: string[]): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  for (const key of keys) {
    if (record[key] !== undefined) return record[key];
  }
  return undefined;
}

/** EXO's `Memory.in_gb` formatted with one decimal (GiB, despite the label). */
export function formatGb(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)}GB`;
}
