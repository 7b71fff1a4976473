import type { ModelConfig } from '../config.ts';
import type { KeepAlive, LoadProgress, ModelState, ModelStatus } from './types.ts';

/**
 * The mutable state of one configured model. Only the manager's functions change it, and
 * every decision that reads it is taken synchronously, so two callers never see a stale
 * state (a load and an unload can never both start from "ready").
 */
export class ModelSlot {
  settings: ModelConfig;
  state: ModelState = 'unloaded';
  instanceId: string | undefined;
  loading: Promise<void> | undefined;
  unloading: Promise<void> | undefined;
  progress: LoadProgress | undefined;
  readonly progressListeners = new Set<(progress: LoadProgress) => void>();
  inFlight = 0;
  queued = 0;
  readyAt = 0;
  lastReleasedAt = 0;
  lastUsedAt = 0;
  /** The latest request's keep_alive; undefined means the configured ttl. Reset on unload. */
  keepAlive: KeepAlive | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  idleDeadline: number | undefined;
  /** Removed from the config: finishes its leases, then unloads and is dropped. */
  retired = false;
  lastError: { code: string; message: string; at: string } | undefined;

  constructor(settings: ModelConfig) {
    this.settings = settings;
  }

  get name(): string {
    return this.settings.name;
  }

  /** No lease held and nobody waiting for one: the only state in which TTL and eviction act. */
  get idle(): boolean {
    return this.inFlight === 0 && this.queued === 0;
  }

  setProgress(progress: LoadProgress): void {
    this.progress = progress;
    for (const listener of this.progressListeners) listener(progress);
  }

  clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.idleDeadline = undefined;
  }

  status(): ModelStatus {
    const status: ModelStatus = {
      name: this.name,
      exoModelId: this.settings.exoModelId,
      aliases: [...this.settings.aliases],
      state: this.state,
      inFlight: this.inFlight,
      queued: this.queued,
      idleUntil:
        this.state === 'ready' && this.idle && this.idleDeadline !== undefined
          ? isoTime(this.idleDeadline)
          : null,
    };
    if (this.progress && this.state === 'loading') status.progress = { ...this.progress };
    if (this.instanceId) status.instanceId = this.instanceId;
    if (this.lastError) status.lastError = { ...this.lastError };
    return status;
  }
}

// The latest instant a Date can hold (ECMA-262 §21.4.1.1); a huge configured ttl must not make
// toISOString() throw on /running and /v1/models.
const maxDateMs = 8.64e15;

function isoTime(ms: number): string {
  return new Date(Math.min(ms, maxDateMs)).toISOString();
}
