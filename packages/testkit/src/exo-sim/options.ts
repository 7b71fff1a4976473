import type { ExoSimulatorOptions, SimModel, SimNode } from './index.ts';

const GIB = 1024 ** 3;

/** Options with every default filled in; the simulator reads these on each step, so set() applies at once. */
export interface ResolvedOptions {
  nodes: Required<SimNode>[];
  models: SimModel[];
  downloadMs: number;
  loadMs: number;
  warmupMs: number;
  tokensPerSecond: number;
  prefillMs: number;
  completionTokens: number;
  keepAliveMs: number;
  shutdownMs: number;
  retryBackoffMs: number;
  maxInstanceRetries: number;
  maxRecordedRequests: number;
  host: string;
  port: number;
}

/** A small catalogue of real mlx-community ids; the last one never fits a single 64 GiB node. */
export const defaultModels: SimModel[] = [
  { id: 'mlx-community/Llama-3.2-1B-Instruct-4bit', sizeBytes: 729_808_896, nLayers: 16 },
  { id: 'mlx-community/Llama-3.2-3B-Instruct-4bit', sizeBytes: 1_807_483_904, nLayers: 28 },
  { id: 'mlx-community/Qwen3-0.6B-4bit', sizeBytes: 351_272_960, nLayers: 28 },
  { id: 'mlx-community/Qwen3-30B-A3B-4bit', sizeBytes: 17_179_869_184, nLayers: 48 },
  { id: 'mlx-community/DeepSeek-V3.1-4bit', sizeBytes: 405_874_409_472, nLayers: 61 },
];

export const defaultNodes: SimNode[] = [{ name: 'mac-studio', memoryBytes: 64 * GIB }];

export function resolveOptions(options: ExoSimulatorOptions = {}): ResolvedOptions {
  const resolved: ResolvedOptions = {
    nodes: [],
    models: defaultModels,
    downloadMs: 200,
    loadMs: 200,
    warmupMs: 100,
    tokensPerSecond: 200,
    prefillMs: 20,
    completionTokens: 16,
    keepAliveMs: 10_000,
    shutdownMs: 100,
    retryBackoffMs: 500,
    maxInstanceRetries: 5,
    maxRecordedRequests: 10_000,
    host: '127.0.0.1',
    port: 0,
  };

  applyOptions(resolved, { nodes: defaultNodes, ...options });
  return resolved;
}

/** Merges a partial update into resolved options (used at start and by set()). */
export function applyOptions(target: ResolvedOptions, update: Partial<ExoSimulatorOptions>): void {
  for (const [key, value] of Object.entries(update)) {
    if (value === undefined || key === 'nodes') continue;
    (target as unknown as Record<string, unknown>)[key] = value;
  }

  if (update.nodes) target.nodes = update.nodes.map(withNodeId);
}

function withNodeId(node: SimNode, index: number): Required<SimNode> {
  // EXO node ids are libp2p peer ids; keep the prefix so they look alike, and stay deterministic.
  const id = node.id ?? `12D3KooWSim${index + 1}${node.name.replace(/[^A-Za-z0-9]/g, '')}`;
  return { id, name: node.name, memoryBytes: node.memoryBytes };
}

/** Number of layers of a model (16 when the catalogue entry does not say). */
export function layersOf(model: SimModel): number {
  return model.nLayers ?? 16;
}

/** The camelCase model card EXO embeds in instances, shard metadata and create responses. */
export function modelCard(model: SimModel): Record<string, unknown> {
  return {
    modelId: model.id,
    storageSize: { inBytes: model.sizeBytes },
    nLayers: layersOf(model),
    hiddenSize: 2048,
    supportsTensor: true,
    numKeyValueHeads: 8,
    tasks: model.tasks ?? ['TextGeneration'],
    components: null,
    family: familyOf(model),
    quantization: quantizationOf(model),
    baseModel: baseName(model),
    capabilities: ['text'],
    backends: ['MlxMetal'],
    contextLength: 131072,
    usesCfg: false,
    trustRemoteCode: true,
    isCustom: false,
    vision: null,
  };
}

/** One `/v1/models` entry, snake_case like EXO's ModelList (v1.0.71 has no reasoning_dialect). */
export function modelListEntry(model: SimModel): Record<string, unknown> {
  return {
    id: model.id,
    object: 'model',
    created: Math.floor(Date.now() / 1000),
    owned_by: 'exo',
    hugging_face_id: model.id,
    name: baseName(model),
    description: '',
    context_length: 131072,
    tags: [],
    storage_size_megabytes: Math.round(model.sizeBytes / 1024 / 1024),
    supports_tensor: true,
    tasks: model.tasks ?? ['TextGeneration'],
    is_custom: false,
    family: familyOf(model),
    quantization: quantizationOf(model),
    base_model: baseName(model),
    capabilities: ['text'],
  };
}

/** The 0.x short id: `mlx-community/Llama-3.2-1B-Instruct-4bit` → `llama-3.2-1b`. */
export function shortId(model: SimModel): string {
  return baseName(model)
    .toLowerCase()
    .replace(/-(instruct|\d+bit|bf16|fp16).*$/, '')
    .replace(/-(instruct|\d+bit|bf16|fp16).*$/, '');
}

function baseName(model: SimModel): string {
  return model.id.split('/').pop() ?? model.id;
}

function familyOf(model: SimModel): string {
  return (baseName(model).split(/[-.\d]/)[0] ?? '').toLowerCase();
}

function quantizationOf(model: SimModel): string {
  return /(\d+bit)/.exec(model.id)?.[1] ?? 'bf16';
}
