import type { ExoSimulator, SimModel } from './index.ts';
import type { ResolvedOptions } from './options.ts';

export type RunnerPhase =
  | 'idle'
  | 'connected'
  | 'loading'
  | 'loaded'
  | 'warming'
  | 'ready'
  | 'failed'
  | 'shutting_down';

export interface RunnerRecord {
  runnerId: string;
  nodeId: string;
  startLayer: number;
  endLayer: number;
  reservedBytes: number;
  phase: RunnerPhase;
  /** 0..1 through the current loading or warm-up phase. */
  progress: number;
  /** false once the runner process vanished (exo #2120) or its node is unknown. */
  present: boolean;
  errorMessage?: string;
  retryAt?: number;
  removeAt?: number;
}

export interface InstanceRecord {
  instanceId: string;
  model: SimModel;
  tag: 'MlxRingInstance' | 'MlxJacclInstance';
  shardTag: 'PipelineShardMetadata' | 'TensorShardMetadata';
  runners: RunnerRecord[];
  ephemeralPort: number;
  failures: number;
}

export interface DownloadRecord {
  nodeId: string;
  model: SimModel;
  status: 'ongoing' | 'completed' | 'failed';
  progress: number;
  errorMessage?: string;
}

export type StopReason = 'client' | 'deleted' | 'cancelled' | 'runner_failed';

export interface TaskRecord {
  taskId: string;
  instanceId: string;
  status: 'Pending' | 'Running';
  stop(reason: StopReason): void;
}

export type Faults = ExoSimulator['faults'];

/** Everything EXO's master would hold in its state, plus the knobs that drive it. */
export class Cluster {
  readonly options: ResolvedOptions;
  readonly faults: Faults;
  readonly instances = new Map<string, InstanceRecord>();
  readonly downloads = new Map<string, Map<string, DownloadRecord>>();
  readonly tasks = new Map<string, TaskRecord>();
  /** Runners of deleted instances, shown as RunnerShuttingDown until removed. */
  shuttingDown: RunnerRecord[] = [];
  private nextPort = 53117;

  constructor(options: ResolvedOptions, faults: Faults) {
    this.options = options;
    this.faults = faults;
  }

  findModel(modelId: string): SimModel | undefined {
    return this.options.models.find((model) => model.id === modelId);
  }

  hasNode(nodeId: string): boolean {
    return this.options.nodes.some((node) => node.id === nodeId);
  }

  /** RAM a node has left: its total minus the shards of live and shutting-down runners. */
  availableBytes(nodeId: string): number {
    const node = this.options.nodes.find((candidate) => candidate.id === nodeId);
    if (!node) return 0;

    let reserved = 0;
    for (const runner of this.allRunners()) {
      if (runner.nodeId === nodeId && runner.present) reserved += runner.reservedBytes;
    }
    return Math.max(0, node.memoryBytes - reserved);
  }

  totalAvailableBytes(): number {
    return this.options.nodes.reduce((sum, node) => sum + this.availableBytes(node.id), 0);
  }

  allocatePort(): number {
    this.nextPort += 1;
    return this.nextPort;
  }

  addInstance(instance: InstanceRecord): void {
    for (const runner of instance.runners) runner.present = this.hasNode(runner.nodeId);
    this.instances.set(instance.instanceId, instance);
  }

  /** EXO's asynchronous delete: tasks cancelled, instance gone, runners shut down a little later. */
  deleteInstance(instanceId: string): boolean {
    const instance = this.instances.get(instanceId);
    if (!instance) return false;

    this.instances.delete(instanceId);
    for (const task of [...this.tasks.values()]) {
      if (task.instanceId === instanceId) task.stop('deleted');
    }

    const removeAt = Date.now() + this.options.shutdownMs;
    for (const runner of instance.runners) {
      if (!runner.present) continue;
      runner.phase = 'shutting_down';
      runner.removeAt = removeAt;
      this.shuttingDown.push(runner);
    }
    return true;
  }

  instancesFor(modelId: string): InstanceRecord[] {
    return [...this.instances.values()].filter((instance) => instance.model.id === modelId);
  }

  /** Ready when every runner is RunnerReady (or RunnerRunning, which is Ready plus a task). */
  isReady(instance: InstanceRecord): boolean {
    return instance.runners.every((runner) => runner.present && runner.phase === 'ready');
  }

  isRunning(instanceId: string): boolean {
    for (const task of this.tasks.values()) {
      if (task.instanceId === instanceId && task.status === 'Running') return true;
    }
    return false;
  }

  /** The instance with the fewest pending or running tasks, as EXO's master routes. */
  pickInstance(modelId: string): InstanceRecord | undefined {
    const candidates = this.instancesFor(modelId);
    const load = (instance: InstanceRecord) =>
      [...this.tasks.values()].filter((task) => task.instanceId === instance.instanceId).length;
    return candidates.sort((a, b) => load(a) - load(b))[0];
  }

  download(nodeId: string, modelId: string): DownloadRecord | undefined {
    return this.downloads.get(nodeId)?.get(modelId);
  }

  setDownload(record: DownloadRecord): void {
    const perNode = this.downloads.get(record.nodeId) ?? new Map<string, DownloadRecord>();
    perNode.set(record.model.id, record);
    this.downloads.set(record.nodeId, perNode);
  }

  allRunners(): RunnerRecord[] {
    const live = [...this.instances.values()].flatMap((instance) => instance.runners);
    return [...live, ...this.shuttingDown];
  }

  /** Readable summary used by ExoSimulator.instances(). */
  instanceStatus(instance: InstanceRecord): string {
    const downloads = instance.runners.map((r) => this.download(r.nodeId, instance.model.id));
    if (downloads.some((d) => d?.status === 'failed')) return 'download_failed';
    if (instance.runners.some((r) => !r.present)) return 'runner_missing';
    if (instance.runners.some((r) => r.phase === 'failed')) return 'failed';
    if (this.isReady(instance)) {
      return this.isRunning(instance.instanceId) ? 'running' : 'ready';
    }
    if (downloads.some((d) => d?.status !== 'completed')) return 'downloading';
    if (instance.runners.some((r) => r.phase === 'warming' || r.phase === 'loaded')) {
      return 'warming';
    }
    return instance.runners.some((r) => r.phase === 'loading') ? 'loading' : 'starting';
  }
}
