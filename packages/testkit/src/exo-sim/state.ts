import type { Cluster, DownloadRecord, InstanceRecord, RunnerRecord } from './cluster.ts';
import { layersLoaded } from './lifecycle.ts';
import { modelCard } from './options.ts';

/** The camelCase, tagged `GET /state` body (EXO 1.0.71 shape, trimmed to what clients read). */
export function renderState(cluster: Cluster): Record<string, unknown> {
  const nodes = cluster.options.nodes;
  const instances = Object.fromEntries(
    [...cluster.instances.values()].map((instance) => [
      instance.instanceId,
      renderInstance(instance),
    ]),
  );

  const runners: Record<string, unknown> = {};
  for (const runner of cluster.allRunners()) {
    if (!runner.present) continue;
    runners[runner.runnerId] = renderRunner(cluster, runner);
  }

  const downloads: Record<string, unknown[]> = {};
  for (const node of nodes) {
    const records = [...(cluster.downloads.get(node.id)?.values() ?? [])];
    downloads[node.id] = records.map((record) => renderDownload(cluster, record));
  }

  const now = new Date().toISOString();
  return {
    instances,
    runners,
    downloads,
    tasks: renderTasks(cluster),
    lastSeen: Object.fromEntries(nodes.map((node) => [node.id, now])),
    topology: { nodes: nodes.map((node) => node.id), connections: {} },
    lastEventAppliedIdx: 0,
    nodeIdentities: Object.fromEntries(
      nodes.map((node) => [
        node.id,
        { modelId: 'Mac Studio', chipId: 'Apple M2 Ultra', friendlyName: node.name },
      ]),
    ),
    nodeMemory: Object.fromEntries(
      nodes.map((node) => [
        node.id,
        {
          ramTotal: { inBytes: node.memoryBytes },
          ramAvailable: { inBytes: cluster.availableBytes(node.id) },
          swapTotal: { inBytes: 0 },
          swapAvailable: { inBytes: 0 },
        },
      ]),
    ),
  };
}

/** A tagged instance object, exactly what `/instance/placement` returns and `/state` lists. */
export function renderInstance(instance: InstanceRecord): Record<string, unknown> {
  const runnerToShard: Record<string, unknown> = {};
  const nodeToRunner: Record<string, string> = {};
  const hostsByNode: Record<string, unknown> = {};

  instance.runners.forEach((runner, rank) => {
    runnerToShard[runner.runnerId] = renderShard(instance, runner, rank);
    nodeToRunner[runner.nodeId] = runner.runnerId;
    hostsByNode[runner.nodeId] = [{ ip: '0.0.0.0', port: instance.ephemeralPort }];
  });

  return {
    [instance.tag]: {
      instanceId: instance.instanceId,
      shardAssignments: { modelId: instance.model.id, runnerToShard, nodeToRunner },
      hostsByNode,
      ephemeralPort: instance.ephemeralPort,
    },
  };
}

function renderShard(instance: InstanceRecord, runner: RunnerRecord, rank: number): unknown {
  return {
    [instance.shardTag]: {
      modelCard: modelCard(instance.model),
      deviceRank: rank,
      worldSize: instance.runners.length,
      immediateException: false,
      shouldTimeout: null,
      startLayer: runner.startLayer,
      endLayer: runner.endLayer,
      nLayers: instance.model.nLayers ?? 16,
    },
  };
}

function renderRunner(cluster: Cluster, runner: RunnerRecord): unknown {
  switch (runner.phase) {
    case 'idle':
      return { RunnerIdle: {} };
    case 'connected':
      return { RunnerConnected: {} };
    case 'loading':
      return {
        RunnerLoading: {
          layersLoaded: layersLoaded(runner),
          totalLayers: runner.endLayer - runner.startLayer,
        },
      };
    case 'loaded':
      return { RunnerLoaded: {} };
    case 'warming':
      return { RunnerWarmingUp: {} };
    case 'ready':
      return isBusy(cluster, runner)
        ? { RunnerRunning: {} }
        : { RunnerReady: { prefillServerPort: null } };
    case 'failed':
      return { RunnerFailed: { errorMessage: runner.errorMessage ?? null } };
    case 'shutting_down':
      return { RunnerShuttingDown: {} };
  }
}

function isBusy(cluster: Cluster, runner: RunnerRecord): boolean {
  for (const instance of cluster.instances.values()) {
    if (instance.runners.includes(runner)) return cluster.isRunning(instance.instanceId);
  }
  return false;
}

function renderDownload(cluster: Cluster, record: DownloadRecord): unknown {
  const total = record.model.sizeBytes;
  const base = {
    nodeId: record.nodeId,
    shardMetadata: {
      PipelineShardMetadata: {
        modelCard: modelCard(record.model),
        deviceRank: 0,
        worldSize: 1,
        startLayer: 0,
        endLayer: record.model.nLayers ?? 16,
        nLayers: record.model.nLayers ?? 16,
      },
    },
    modelDirectory: `/Users/exo/.exo/models/${record.model.id.replace('/', '--')}`,
  };

  if (record.status === 'completed') {
    return { DownloadCompleted: { ...base, total: { inBytes: total }, readOnly: false } };
  }
  if (record.status === 'failed') {
    return { DownloadFailed: { ...base, errorMessage: record.errorMessage ?? 'Download failed' } };
  }

  const downloaded = Math.floor(total * record.progress);
  const speed = cluster.options.downloadMs > 0 ? (total / cluster.options.downloadMs) * 1000 : 0;
  const progress = {
    total: { inBytes: total },
    downloaded: { inBytes: downloaded },
    downloadedThisSession: { inBytes: downloaded },
    completedFiles: 0,
    totalFiles: 1,
    speed,
    etaMs: speed > 0 ? Math.round(((total - downloaded) / speed) * 1000) : 0,
    files: {},
  };
  return { DownloadOngoing: { ...base, downloadProgress: progress } };
}

function renderTasks(cluster: Cluster): Record<string, unknown> {
  const tasks: Record<string, unknown> = {};
  for (const task of cluster.tasks.values()) {
    tasks[task.taskId] = {
      TextGeneration: {
        taskId: task.taskId,
        taskStatus: task.status,
        instanceId: task.instanceId,
        commandId: task.taskId,
      },
    };
  }
  return tasks;
}

/** `GET /state/{a}/{b}`: walk dict keys and list indexes; undefined when a segment is missing. */
export function statePath(state: unknown, segments: string[]): unknown {
  let current: unknown = state;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      current = /^\d+$/.test(segment) ? current[Number(segment)] : undefined;
    } else if (current !== null && typeof current === 'object') {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}
