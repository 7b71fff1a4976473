import type { ExoClient } from '../exo/exo-client.ts';
import type { LifecycleTelemetry } from './lifecycle-telemetry.ts';
import type { ModelSlot } from './model-slot.ts';
import type { LifecycleLogger, UnloadReason } from './types.ts';

/** What the load, unload and health functions share with the manager. */
export interface ManagerCore {
  /** Replaced by reconfigure() when exo.baseUrl or exo.requestTimeout change. */
  exo: ExoClient;
  readonly logger: LifecycleLogger;
  readonly telemetry: LifecycleTelemetry;
  readonly now: () => number;
  /** How often /state is read while a model loads or unloads. */
  readonly pollIntervalMs: number;
  /** Bound on waiting for EXO to confirm an instance gone after DELETE. */
  readonly unloadConfirmMs: number;
  /** Aborted by close(): every wait of the manager ends. */
  readonly closeSignal: AbortSignal;
  /** Every slot the manager still tracks, retired ones included. */
  slots(): Iterable<ModelSlot>;
  unload(slot: ModelSlot, reason: UnloadReason): Promise<void>;
}

/** A bounded pause that ends early (rejecting) when the manager closes. */
export function pause(core: ManagerCore, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const signal = core.closeSignal;
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function errorCode(err: unknown): string {
  return (err as { code?: unknown })?.code === undefined
    ? 'internal'
    : String((err as { code: unknown }).code);
}

/** A promise raced against the caller's abort signal (the work itself goes on). */
export function settled<T>(
  promise: Promise<T> | undefined,
  signal: AbortSignal,
): Promise<T | undefined> {
  if (!promise) return Promise.resolve(undefined);
  signal.throwIfAborted();
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

export function errorRecord(core: ManagerCore, err: unknown) {
  const message = err instanceof Error ? err.message : String(err);
  return { code: errorCode(err), message, at: new Date(core.now()).toISOString() };
}
