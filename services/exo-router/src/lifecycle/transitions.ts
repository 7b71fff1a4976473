import type { Context } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import { RouterError } from '../errors.ts';
import { errorRecord, type ManagerCore, settled } from './core.ts';
import { outcomeOf, runLoad } from './load.ts';
import type { ModelSlot } from './model-slot.ts';
import type { Lease, UnloadReason } from './types.ts';
import { deleteAndConfirm } from './unload.ts';

// The state machine of one model: unloaded → loading → ready → unloading → unloaded.
// Every transition is decided synchronously on the slot, so there is one load per model
// however many callers arrive, and a caller that meets an unload waits, then reloads.

// A request can meet the model unloaded again after its load (keep_alive 0 of another
// request, an admin unload); it follows the model this many times before giving up.
const maxLoadsPerRequest = 3;

const maxTimerMs = 2 ** 31 - 1;

/** Waits until the slot is ready, starting or joining a load as needed. */
export async function ensureReady(
  core: ManagerCore,
  slot: ModelSlot,
  signal: AbortSignal,
  parentContext: Context | undefined,
): Promise<void> {
  let loads = 0;
  for (;;) {
    if (slot.state === 'ready') return;
    if (slot.retired) {
      throw new RouterError(
        'model_not_found',
        `model ${slot.name} was removed from the configuration`,
      );
    }
    if (slot.state === 'unloading') {
      await settled(
        slot.unloading?.catch(() => {}),
        signal,
      );
      continue;
    }
    if (++loads > maxLoadsPerRequest) {
      throw new RouterError(
        'load_failed',
        `${slot.name} was unloaded again ${maxLoadsPerRequest} times while this request waited for it`,
      );
    }
    if (slot.state === 'loading') await join(core, slot, signal, parentContext);
    else await settled(startLoad(core, slot, parentContext), signal);
  }
}

/** Starts a load; the slot is "loading" from this synchronous call on. */
export function startLoad(
  core: ManagerCore,
  slot: ModelSlot,
  parentContext: Context | undefined,
): Promise<void> {
  slot.state = 'loading';
  slot.setProgress({ phase: 'placing' });

  const load = runLoad(core, slot, parentContext).then(
    (instanceId) => {
      const now = core.now();
      Object.assign(slot, { state: 'ready', instanceId, readyAt: now, lastUsedAt: now });
      slot.lastError = undefined;
      slot.setProgress({ phase: 'ready' });
      scheduleIdle(core, slot);
    },
    (err: unknown) => {
      Object.assign(slot, { state: 'unloaded', instanceId: undefined, progress: undefined });
      slot.lastError = errorRecord(core, err);
      throw err;
    },
  );
  slot.loading = load;
  load.then(
    () => (slot.loading = undefined),
    () => (slot.loading = undefined),
  );
  return load;
}

// A caller that arrives while another's load runs: its own span and metric, kind "joined".
async function join(
  core: ManagerCore,
  slot: ModelSlot,
  signal: AbortSignal,
  parentContext: Context | undefined,
): Promise<void> {
  const startedAt = core.now();
  const span = core.telemetry.tracer.startSpan(
    'exo_router.model.load',
    { attributes: { 'gen_ai.request.model': slot.name, 'exo_router.load.kind': 'joined' } },
    parentContext,
  );
  let outcome = outcomeOf(undefined);
  try {
    await settled(slot.loading, signal);
    outcome = 'success';
    if (slot.instanceId) span.setAttribute('exo.instance.id', slot.instanceId);
  } catch (err) {
    outcome = outcomeOf(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.setAttribute('exo_router.load.outcome', outcome);
    span.end();
    core.telemetry.recordLoad(slot.name, 'joined', outcome, (core.now() - startedAt) / 1000);
  }
}

/** Hands out a lease on the ready instance; the idle TTL pauses while any lease is held. */
export function grant(core: ManagerCore, slot: ModelSlot, requestedAt: number): Lease {
  const now = core.now();
  slot.inFlight++;
  slot.lastUsedAt = now;
  slot.clearIdleTimer();
  core.telemetry.recordQueueWait(slot.name, (now - requestedAt) / 1000);

  let released = false;
  return {
    exoModelId: slot.settings.exoModelId,
    instanceId: slot.instanceId ?? '',
    release(options) {
      if (released) return;
      released = true;
      slot.inFlight--;
      if (options?.keepAlive) slot.keepAlive = options.keepAlive;
      slot.lastReleasedAt = core.now();
      slot.lastUsedAt = slot.lastReleasedAt;
      settleIdle(core, slot);
    },
  };
}

/** Called whenever a slot may have become idle: arms its TTL, or drains a retired one. */
export function settleIdle(core: ManagerCore, slot: ModelSlot): void {
  if (!slot.idle) return;
  if (slot.retired) {
    unloadQuietly(core, slot, 'removed');
    return;
  }
  scheduleIdle(core, slot);
}

/** Arms the idle timer from the later of "became ready" and "last lease released". */
export function scheduleIdle(core: ManagerCore, slot: ModelSlot): void {
  slot.clearIdleTimer();
  if (slot.state !== 'ready' || !slot.idle || core.closeSignal.aborted) return;

  const keepAlive = slot.keepAlive ?? { kind: 'duration', ms: slot.settings.ttl };
  if (keepAlive.kind === 'forever') return;
  if (keepAlive.kind === 'unload-now') {
    unloadQuietly(core, slot, 'keep_alive');
    return;
  }

  const deadline = Math.max(slot.readyAt, slot.lastReleasedAt) + keepAlive.ms;
  slot.idleDeadline = deadline;
  // setTimeout fires at once beyond 2^31-1 ms (24.8 days), so long keep_alives re-arm.
  const delay = Math.min(Math.max(0, deadline - core.now()), maxTimerMs);
  slot.idleTimer = setTimeout(() => {
    slot.idleTimer = undefined;
    if (core.now() < deadline) scheduleIdle(core, slot);
    else if (slot.state === 'ready' && slot.idle) unloadQuietly(core, slot, 'ttl');
  }, delay);
  slot.idleTimer.unref();
}

/**
 * Unloads a model: DELETE its instance and wait for EXO to confirm. A load in progress is
 * waited for first. Rejects when EXO fails; the model stays "ready" when EXO never accepted the
 * DELETE, and is "unloaded" once it did (even if the removal was not confirmed in time).
 */
export async function unload(
  core: ManagerCore,
  slot: ModelSlot,
  reason: UnloadReason | undefined,
): Promise<void> {
  if (slot.state === 'loading') await slot.loading?.catch(() => {});
  if (slot.state === 'unloading') return slot.unloading;
  if (slot.state !== 'ready' || !slot.instanceId) return;

  const instanceId = slot.instanceId;
  slot.clearIdleTimer();
  slot.state = 'unloading';
  if (reason) core.telemetry.recordEviction(slot.name, reason);
  core.logger.info({ model: slot.name, instanceId, reason }, 'unloading model');

  let deleteAccepted = false;
  const work = deleteAndConfirm(core, slot, instanceId, () => (deleteAccepted = true))
    .then(
      () => core.logger.info({ model: slot.name, instanceId }, 'model unloaded'),
      (err: unknown) => {
        slot.lastError = errorRecord(core, err);
        throw err;
      },
    )
    .finally(() => {
      slot.unloading = undefined;
      if (!deleteAccepted) {
        keepAfterFailedDelete(core, slot);
        return;
      }
      Object.assign(slot, { state: 'unloaded', instanceId: undefined, progress: undefined });
      slot.keepAlive = undefined;
    });
  slot.unloading = work;
  return work;
}

// EXO never took the DELETE (unreachable, or it refused): the instance is still there, so the
// model stays "ready" with the error in lastError. Its TTL restarts, so an idle unload is retried
// one TTL later rather than in a tight loop against an EXO that is down.
function keepAfterFailedDelete(core: ManagerCore, slot: ModelSlot): void {
  slot.state = 'ready';
  if (slot.keepAlive?.kind === 'unload-now') slot.keepAlive = undefined;
  slot.lastReleasedAt = core.now();
  settleIdle(core, slot);
}

export function unloadQuietly(core: ManagerCore, slot: ModelSlot, reason: UnloadReason): void {
  unload(core, slot, reason).catch((err: unknown) =>
    core.logger.warn({ err, model: slot.name, reason }, 'unload not confirmed by EXO'),
  );
}

/** The ready instance is lost or broken: forget it (deleting it if asked); the next request reloads. */
export function markGone(
  core: ManagerCore,
  slot: ModelSlot,
  reason: string,
  deleteInstance: boolean,
): void {
  if (slot.state !== 'ready') return;

  core.logger.warn(
    { model: slot.name, instanceId: slot.instanceId, reason },
    'loaded model lost its EXO instance; the next request reloads it',
  );
  slot.lastError = { code: 'load_failed', message: reason, at: new Date(core.now()).toISOString() };
  if (deleteInstance) {
    unload(core, slot, undefined).catch(() => {});
    return;
  }
  slot.clearIdleTimer();
  Object.assign(slot, { state: 'unloaded', instanceId: undefined, keepAlive: undefined });
}
