import type {
  DownloadEntry,
  DownloadStatus,
  ExoInstance,
  ExoState,
  NodeMemory,
  RunnerStatus,
} from './exo-types.ts';

// Parsers for EXO's camelCase, tagged JSON. Unknown keys and tags are tolerated:
// EXO adds fields between releases, and old tags linger (see the reference, §2).

type Json = Record<string, unknown>;

/** Parses the body of GET /state; throws a TypeError naming what is malformed. */
export function parseState(body: unknown): ExoState {
  if (!isObject(body)) throw new TypeError('GET /state did not answer a JSON object');

  const instances = new Map<string, ExoInstance>();
  for (const [id, raw] of Object.entries(asObject(body.instances))) {
    const instance = parseInstance(raw);
    if (instance) instances.set(instance.instanceId || id, instance);
  }

  const runners = new Map<string, RunnerStatus>();
  for (const [id, raw] of Object.entries(asObject(body.runners))) {
    runners.set(id, parseRunner(raw));
  }

  const downloads: DownloadEntry[] = [];
  for (const [nodeId, list] of Object.entries(asObject(body.downloads))) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) downloads.push(parseDownload(nodeId, raw));
  }

  const nodeMemory = new Map<string, NodeMemory>();
  for (const [nodeId, raw] of Object.entries(asObject(body.nodeMemory ?? body.node_memory))) {
    const memory = asObject(raw);
    nodeMemory.set(nodeId, {
      totalBytes: bytes(memory.ramTotal ?? memory.ram_total),
      availableBytes: bytes(memory.ramAvailable ?? memory.ram_available),
    });
  }

  return { instances, runners, downloads, nodeMemory };
}

/** Reads a tagged instance ({"MlxRingInstance": {...}}); undefined when unusable. */
export function parseInstance(raw: unknown): ExoInstance | undefined {
  const tagged = untag(raw);
  if (!tagged || !isObject(raw)) return undefined;

  const body = tagged.body;
  const assignments = asObject(body.shardAssignments ?? body.shard_assignments);
  const instanceId = body.instanceId ?? body.instance_id;
  const modelId = assignments.modelId ?? assignments.model_id;
  if (typeof instanceId !== 'string' || typeof modelId !== 'string') return undefined;

  return {
    instanceId,
    tag: tagged.tag,
    modelId,
    runnerIds: Object.keys(asObject(assignments.runnerToShard ?? assignments.runner_to_shard)),
    nodeIds: Object.keys(asObject(assignments.nodeToRunner ?? assignments.node_to_runner)),
    raw,
  };
}

function parseRunner(raw: unknown): RunnerStatus {
  const tagged = untag(raw);
  if (!tagged) return { tag: 'other', name: String(raw) };

  const { tag, body } = tagged;
  switch (tag) {
    case 'RunnerReady':
    case 'RunnerRunning':
    case 'RunnerShuttingDown':
      return { tag };
    case 'RunnerLoading':
      return {
        tag,
        layersLoaded: asNumber(body.layersLoaded),
        totalLayers: asNumber(body.totalLayers),
      };
    case 'RunnerFailed':
      return { tag, errorMessage: asString(body.errorMessage ?? body.error_message) };
    default:
      return { tag: 'other', name: tag };
  }
}

function parseDownload(nodeId: string, raw: unknown): DownloadEntry {
  const tagged = untag(raw);
  if (!tagged) return { nodeId, modelId: undefined, status: { tag: 'other', name: 'unknown' } };

  const { tag, body } = tagged;
  const shard = untag(body.shardMetadata ?? body.shard_metadata);
  const card = asObject(shard?.body.modelCard ?? shard?.body.model_card);
  const modelId = asString(card.modelId ?? card.model_id) ?? undefined;

  return { nodeId, modelId, status: parseDownloadStatus(tag, body) };
}

function parseDownloadStatus(tag: string, body: Json): DownloadStatus {
  switch (tag) {
    case 'DownloadPending':
    case 'DownloadCompleted':
      return { tag };
    case 'DownloadFailed':
      return { tag, errorMessage: asString(body.errorMessage ?? body.error_message) };
    case 'DownloadOngoing': {
      // EXO ≤ 1.0.67 used totalBytes/downloadedBytes; 1.0.68+ uses total/downloaded Memory objects.
      const progress = asObject(body.downloadProgress ?? body.download_progress);
      return {
        tag,
        downloaded: bytes(progress.downloaded ?? progress.downloadedBytes),
        total: bytes(progress.total ?? progress.totalBytes),
      };
    }
    default:
      return { tag: 'other', name: tag };
  }
}

function untag(raw: unknown): { tag: string; body: Json } | undefined {
  if (!isObject(raw)) return undefined;
  const entries = Object.entries(raw);
  if (entries.length !== 1) return undefined;
  const [tag, body] = entries[0]!;
  return { tag, body: asObject(body) };
}

function bytes(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  const memory = asObject(value);
  return asNumber(memory.inBytes ?? memory.in_bytes);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: unknown): Json {
  return isObject(value) ? value : {};
}

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function asString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
