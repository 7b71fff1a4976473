import type { Meter, Tracer } from '@opentelemetry/api';
import type { ModelConfig, RouterConfig } from '../config.ts';
import { RouterError } from '../errors.ts';
import { createExoClient } from '../exo/exo-client.ts';
import { adoptAtStartup } from './adopt.ts';
import type { ManagerCore } from './core.ts';
import { startHealthWatch } from './health-watch.ts';
import { createLifecycleTelemetry } from './lifecycle-telemetry.ts';
import { ModelSlot } from './model-slot.ts';
import {
  ensureReady,
  grant,
  markGone,
  scheduleIdle,
  settleIdle,
  startLoad,
  unload,
} from './transitions.ts';
import type { AcquireOptions, Lease, LifecycleLogger, ModelStatus, UnloadReason } from './types.ts';

export type {
  AcquireOptions,
  KeepAlive,
  Lease,
  LoadProgress,
  ModelStatus,
  UnloadReason,
} from './types.ts';

export interface ModelManager {
  has(name: string): boolean;
  canonicalName(name: string): string | undefined;
  acquire(name: string, options: AcquireOptions): Promise<Lease>;
  reportMissingInstance(name: string, lease: Lease): Promise<void>;
  list(): ModelStatus[];
  load(name: string): Promise<ModelStatus>;
  unload(name: string, reason: UnloadReason): Promise<void>;
  unloadAll(reason: 'admin'): Promise<void>;
  reconfigure(config: RouterConfig): void;
  adoptExisting(): Promise<void>;
  exoReachable(): Promise<{ ok: boolean; detail: string }>;
  close(): Promise<void>;
}

export interface ModelManagerDeps {
  config: RouterConfig;
  logger: LifecycleLogger;
  tracer: Tracer;
  meter: Meter;
  now?: () => number;
  /** Tuning, mostly for tests: /state polling while loading or unloading (default 500 ms),
   * the health check of loaded models (5 s), the bound on unload confirmation (30 s). */
  timing?: { pollIntervalMs?: number; healthIntervalMs?: number; unloadConfirmMs?: number };
}

/** One state machine per configured model, over one EXO cluster. */
export function createModelManager(deps: ModelManagerDeps): ModelManager {
  const active = new Map<string, ModelSlot>();
  const retired = new Set<ModelSlot>();
  let aliases = new Map<string, string>();
  const closer = new AbortController();
  let requestTimeout = deps.config.exo.requestTimeout;

  const core: ManagerCore = {
    exo: clientFor(deps.config),
    logger: deps.logger,
    telemetry: createLifecycleTelemetry(deps.tracer, deps.meter, () => countReady()),
    now: deps.now ?? Date.now,
    pollIntervalMs: deps.timing?.pollIntervalMs ?? 500,
    unloadConfirmMs: deps.timing?.unloadConfirmMs ?? 30_000,
    closeSignal: closer.signal,
    slots: () => {
      for (const slot of retired) if (slot.state === 'unloaded' && slot.idle) retired.delete(slot);
      return [...active.values(), ...retired];
    },
    unload: (slot, reason) => unload(core, slot, reason),
  };

  applyModels(deps.config.models);
  const stopWatch = startHealthWatch(
    core,
    deps.timing?.healthIntervalMs ?? 5000,
    (slot, why, del) => markGone(core, slot, why, del),
  );

  function applyModels(models: Readonly<Record<string, ModelConfig>>): void {
    for (const [name, slot] of active) {
      const next = models[name];
      if (next && next.exoModelId === slot.settings.exoModelId) continue;
      active.delete(name);
      retire(slot);
    }
    for (const [name, settings] of Object.entries(models)) {
      const slot = active.get(name);
      if (!slot) {
        active.set(name, new ModelSlot(settings));
        continue;
      }
      slot.settings = settings;
      if (slot.state === 'ready') scheduleIdle(core, slot);
    }
    aliases = new Map();
    for (const slot of active.values()) {
      for (const alias of slot.settings.aliases) aliases.set(alias, slot.name);
    }
  }

  // A model removed from the config (or pointed at another EXO id) finishes its leases, then unloads.
  function retire(slot: ModelSlot): void {
    slot.retired = true;
    retired.add(slot);
    deps.logger.info(
      { model: slot.name, state: slot.state },
      'model removed from the configuration',
    );
    settleIdle(core, slot);
  }

  function slotFor(name: string): ModelSlot {
    const slot = active.get(aliases.get(name) ?? name);
    if (slot) return slot;
    const known = [...active.keys()].join(', ') || '(none)';
    throw new RouterError(
      'model_not_found',
      `model ${name} is not configured; EXO models: ${known}`,
    );
  }

  function countReady(): number {
    return [...core.slots()].filter((slot) => slot.state === 'ready').length;
  }

  return {
    has: (name) => active.has(aliases.get(name) ?? name),
    canonicalName: (name) => (active.has(name) ? name : aliases.get(name)),

    async acquire(name, options) {
      const slot = slotFor(name);
      options.signal.throwIfAborted();
      const { maxQueue } = slot.settings;
      if (slot.inFlight + slot.queued >= maxQueue) {
        throw new RouterError(
          'queue_full',
          `${slot.name} has ${slot.inFlight} requests in flight and ${slot.queued} waiting (maxQueue ${maxQueue}); retry later`,
          { retryAfterSeconds: slot.state === 'ready' ? 1 : 5 },
        );
      }
      if (options.keepAlive) slot.keepAlive = options.keepAlive;

      const requestedAt = core.now();
      if (slot.state === 'ready') return grant(core, slot, requestedAt);

      slot.queued++;
      const onProgress = options.onProgress;
      if (onProgress) {
        slot.progressListeners.add(onProgress);
        if (slot.state === 'loading' && slot.progress) onProgress(slot.progress);
      }
      let lease: Lease | undefined;
      try {
        await ensureReady(core, slot, options.signal, options.parentContext);
        lease = grant(core, slot, requestedAt);
        return lease;
      } finally {
        slot.queued--;
        if (onProgress) slot.progressListeners.delete(onProgress);
        if (!lease) settleIdle(core, slot);
      }
    },

    async reportMissingInstance(name, lease) {
      const slot = active.get(aliases.get(name) ?? name);
      if (!slot || slot.instanceId !== lease.instanceId) return;
      markGone(
        core,
        slot,
        `EXO answered "No instance found" for ${slot.settings.exoModelId}`,
        false,
      );
    },

    list: () => [...active.values()].map((slot) => slot.status()),

    async load(name) {
      const slot = slotFor(name);
      await ensureReady(core, slot, new AbortController().signal, undefined);
      return slot.status();
    },

    unload: (name, reason) => unload(core, slotFor(name), reason),

    async unloadAll(reason) {
      await Promise.all([...active.values()].map((slot) => unload(core, slot, reason)));
    },

    reconfigure(config) {
      const exo = config.exo;
      if (exo.baseUrl !== core.exo.baseUrl || exo.requestTimeout !== requestTimeout) {
        core.exo = clientFor(config);
        requestTimeout = exo.requestTimeout;
      }
      applyModels(config.models);
    },

    adoptExisting: () =>
      adoptAtStartup(core, [...active.values()], (slot) => {
        startLoad(core, slot, undefined).catch(() => {});
      }),

    async exoReachable() {
      try {
        const nodeId = await core.exo.nodeId();
        return { ok: true, detail: `EXO 1.x at ${core.exo.baseUrl} answers (node ${nodeId})` };
      } catch (err) {
        return { ok: false, detail: (err as Error).message };
      }
    },

    async close() {
      stopWatch();
      closer.abort(
        new RouterError('load_failed', 'exo-router is shutting down; the load was abandoned'),
      );
      for (const slot of core.slots()) slot.clearIdleTimer();
    },
  };
}

function clientFor(config: RouterConfig) {
  return createExoClient({
    baseUrl: config.exo.baseUrl,
    requestTimeoutMs: config.exo.requestTimeout,
  });
}
