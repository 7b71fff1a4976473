// Typed views of the EXO 1.x control API. EXO serialises tagged unions as
// {"<Tag>": {...}}; these types keep the tag and the few fields the router reads.

/** An instance as the router sees it; `raw` is the tagged object, echoed back untouched. */
export interface ExoInstance {
  instanceId: string;
  tag: string;
  modelId: string;
  runnerIds: string[];
  nodeIds: string[];
  raw: Record<string, unknown>;
}

export type RunnerStatus =
  | { tag: 'RunnerReady' }
  | { tag: 'RunnerRunning' }
  | { tag: 'RunnerLoading'; layersLoaded?: number; totalLayers?: number }
  | { tag: 'RunnerFailed'; errorMessage: string | null }
  | { tag: 'RunnerShuttingDown' }
  // RunnerIdle, RunnerConnecting, RunnerConnected, RunnerLoaded, RunnerWarmingUp, and
  // tags of older or newer versions: a runner that is starting.
  | { tag: 'other'; name: string };

export type DownloadStatus =
  | { tag: 'DownloadPending' }
  | { tag: 'DownloadOngoing'; downloaded?: number; total?: number }
  | { tag: 'DownloadCompleted' }
  | { tag: 'DownloadFailed'; errorMessage: string | null }
  | { tag: 'other'; name: string };

export interface DownloadEntry {
  nodeId: string;
  modelId: string | undefined;
  status: DownloadStatus;
}

/** One node's RAM from `nodeMemory`; a field EXO leaves out stays undefined. */
export interface NodeMemory {
  totalBytes: number | undefined;
  availableBytes: number | undefined;
}

export interface ExoState {
  instances: Map<string, ExoInstance>;
  runners: Map<string, RunnerStatus>;
  downloads: DownloadEntry[];
  nodeMemory: Map<string, NodeMemory>;
}

export interface PlacementRequest {
  modelId: string;
  sharding: 'Pipeline' | 'Tensor';
  instanceType: 'MlxRing' | 'MlxJaccl';
  minNodes: number;
}
