import type { Context } from '@opentelemetry/api';

// The model manager's public types: what the HTTP side of the router programs against.

export interface LoadProgress {
  phase: 'placing' | 'downloading' | 'loading' | 'warming' | 'ready';
  fraction?: number;
  detail?: string;
}

export type KeepAlive =
  | { kind: 'duration'; ms: number }
  | { kind: 'forever' }
  | { kind: 'unload-now' };

export type ModelState = 'unloaded' | 'loading' | 'ready' | 'unloading';

export interface ModelStatus {
  name: string;
  exoModelId: string;
  aliases: string[];
  state: ModelState;
  progress?: LoadProgress;
  inFlight: number;
  queued: number;
  /** ISO time the idle TTL fires; null while busy, pinned, or not loaded. */
  idleUntil: string | null;
  instanceId?: string;
  lastError?: { code: string; message: string; at: string };
}

export interface Lease {
  readonly exoModelId: string;
  readonly instanceId: string;
  /** Idempotent; the idle TTL resumes when the model's last lease is released. */
  release(options?: { keepAlive?: KeepAlive }): void;
}

export interface AcquireOptions {
  signal: AbortSignal;
  keepAlive?: KeepAlive;
  onProgress?: (progress: LoadProgress) => void;
  parentContext?: Context;
}

export type UnloadReason = 'admin' | 'ttl' | 'memory' | 'keep_alive' | 'removed';

/** The subset of a pino logger the lifecycle code uses. */
export interface LifecycleLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}
