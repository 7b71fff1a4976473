import type { AddressInfo } from 'node:net';
import { Cluster } from './cluster.ts';
import { startLifecycle } from './lifecycle.ts';
import { applyOptions, resolveOptions } from './options.ts';
import { computePlacement } from './placement.ts';
import { createSimServer } from './server.ts';

export { countWords, RUNNER_CRASH_MESSAGE, tokenText, WORDS } from './generation.ts';

export interface SimNode {
  id?: string;
  name: string;
  memoryBytes: number;
}

export interface SimModel {
  id: string;
  sizeBytes: number;
  nLayers?: number;
  tasks?: string[];
}

export interface ExoSimulatorOptions {
  /** Default: one 64 GiB node named `mac-studio`. */
  nodes?: SimNode[];
  /** The catalogue `/v1/models` lists (default: a few mlx-community ids, see options.ts). */
  models?: SimModel[];
  /** Per phase, progress visible in `/state` (defaults 200 / 200 / 100 ms). */
  downloadMs?: number;
  loadMs?: number;
  warmupMs?: number;
  /** Generation rate (default 200); 0 means as fast as possible. */
  tokensPerSecond?: number;
  /** Delay before the first token, after the instance is ready (default 20 ms). */
  prefillMs?: number;
  /** Reply length when the request sets no limit (default 16). */
  completionTokens?: number;
  /** Interval of `: keep-alive` comments on streams (EXO: 10 s). */
  keepAliveMs?: number;
  /** How long deleted runners stay `RunnerShuttingDown` before they and their RAM go (100 ms). */
  shutdownMs?: number;
  /** First retry delay after RunnerFailed, doubling, capped at 10 s (EXO: 500 ms). */
  retryBackoffMs?: number;
  /** Failures after which the instance is deleted (EXO_MAX_INSTANCE_RETRIES, 5). */
  maxInstanceRetries?: number;
  /** `requests` keeps at most this many entries, dropping the oldest (default 10 000). */
  maxRecordedRequests?: number;
  host?: string;
  port?: number;
}

export interface SimFaults {
  /** While set, runners that load, warm up or serve fail with this `errorMessage`; EXO-style
   * retries follow, and after `maxInstanceRetries` failures the instance is deleted. */
  runnerFailed?: string | false;
  /** Downloads fail with this message; sticky until `DELETE /download/{node}/{model}`. */
  downloadFailed?: string | false;
  /** `RunnerLoading` stops progressing while true. */
  loadingStalls?: boolean;
  /** While true, runners (new ones too) leave `/state` while their instance stays, and requests
   * hang (exo #2120). A vanished runner never comes back: delete the instance. */
  vanishRunner?: boolean;
  /** While set, each generation deletes its instance after N tokens (true: 1): a stream ends
   * without [DONE], a non-streaming response is reset. */
  deleteInstanceMidStream?: boolean | { afterTokens: number };
  /** v1.0.71 explicit nulls in stream deltas (exo #2082). */
  nullDeltaFields?: boolean;
  /** Answer as an EXO 0.x server (tinychat API). */
  legacyServer?: boolean;
  /** Reset every connection. */
  unreachable?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path with the query string, as received. */
  url: string;
  /** Lower-case header names, including `traceparent` when sent. */
  headers: Record<string, string>;
  /** Parsed JSON, the raw text when it did not parse, undefined when empty. */
  body?: unknown;
}

export interface ExoSimulator {
  url: string;
  /** Mutable at runtime; each switch is read on the next step. */
  faults: SimFaults;
  set(options: Partial<ExoSimulatorOptions>): void;
  /** Calls received: placement (`/instance/placement`), creates (`POST /instance`, `/place_instance`),
   * deletes (`DELETE /instance/{id}`), chats (`/v1/chat/completions`, `/v1/messages`, `/v1/responses`). */
  stats: {
    placementCalls: number;
    createInstanceCalls: number;
    deleteInstanceCalls: number;
    chatCalls: number;
  };
  requests: RecordedRequest[];
  /** status: starting | downloading | download_failed | loading | warming | ready | running | failed | runner_missing */
  instances(): Array<{ instanceId: string; modelId: string; status: string }>;
  /** An instance made "by someone else" (not counted in stats); rejects with EXO's placement message. */
  createInstanceDirectly(modelId: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts an EXO 1.x simulator on 127.0.0.1 (port 0 unless given). */
export async function startExoSimulator(options?: ExoSimulatorOptions): Promise<ExoSimulator> {
  const resolved = resolveOptions(options);
  const faults: SimFaults = {};
  const cluster = new Cluster(resolved, faults);
  const stats = { placementCalls: 0, createInstanceCalls: 0, deleteInstanceCalls: 0, chatCalls: 0 };
  const requests: RecordedRequest[] = [];
  const stopLifecycle = startLifecycle(cluster);
  const server = createSimServer({ cluster, stats }, requests);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${resolved.host}:${port}`,
    faults,
    stats,
    requests,
    set: (update) => applyOptions(resolved, update),
    instances: () =>
      [...cluster.instances.values()].map((instance) => ({
        instanceId: instance.instanceId,
        modelId: instance.model.id,
        status: cluster.instanceStatus(instance),
      })),
    createInstanceDirectly: async (modelId) => {
      const model = cluster.findModel(modelId);
      if (!model) throw new Error(`Unknown model ${modelId}`);
      const placed = computePlacement(cluster, model, {
        sharding: 'Pipeline',
        instanceMeta: 'MlxRing',
        minNodes: 1,
      });
      if (!placed.ok) throw new Error(placed.message);
      cluster.addInstance(placed.instance);
      return placed.instance.instanceId;
    },
    close: async () => {
      stopLifecycle();
      for (const task of [...cluster.tasks.values()]) task.stop('client');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
