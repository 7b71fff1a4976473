import { type Context, type Span, SpanStatusCode } from '@opentelemetry/api';
import { RouterError } from '../errors.ts';
import type { ExoInstance, ExoState } from '../exo/exo-types.ts';
import { evaluateReadiness } from '../exo/readiness.ts';
import { errorCode, type ManagerCore } from './core.ts';
import type { LoadKind, LoadOutcome } from './lifecycle-telemetry.ts';
import { findNeverFits, type NeverFits, neverFitsNote } from './memory-fit.ts';
import type { ModelSlot } from './model-slot.ts';
import { waitUntilReady } from './wait-ready.ts';

/**
 * One load of one model: adopt the instance EXO already has for it, or place and create one
 * (evicting idle models when memory is short and the model could fit the cluster at all), then
 * wait until it is ready. On failure the instance is deleted and the error, carrying EXO's
 * reason, goes to every waiter. Returns the ready instance id.
 */
export async function runLoad(
  core: ManagerCore,
  slot: ModelSlot,
  parentContext: Context | undefined,
): Promise<string> {
  const startedAt = core.now();
  const span = core.telemetry.tracer.startSpan(
    'exo_router.model.load',
    { attributes: { 'gen_ai.request.model': slot.name, 'exo.model.id': slot.settings.exoModelId } },
    parentContext,
  );
  let kind: LoadKind = 'cold';
  let instanceId: string | undefined;

  try {
    const existing = await findExisting(core, slot, await core.exo.state());
    if (existing) {
      kind = 'adopted';
      instanceId = existing.instanceId;
    } else {
      slot.setProgress({ phase: 'placing', detail: 'asking EXO for a placement' });
      instanceId = await placeInstance(core, slot, span);
    }
    slot.instanceId = instanceId;
    span.setAttribute('exo.instance.id', instanceId);

    await waitUntilReady(core, slot, instanceId, startedAt);
    finish(core, slot, span, kind, 'success', startedAt);
    core.logger.info(
      { model: slot.name, instanceId, kind, seconds: (core.now() - startedAt) / 1000 },
      'model loaded',
    );
    return instanceId;
  } catch (err) {
    finish(core, slot, span, kind, outcomeOf(err), startedAt, err);
    core.logger.error({ err, model: slot.name, instanceId, kind }, 'model load failed');
    // On shutdown the instance stays: close() never unloads.
    if (instanceId && !core.closeSignal.aborted) await deleteQuietly(core, slot, instanceId);
    throw err;
  }
}

// Adoption: never create a second instance of a model EXO already has. A broken one
// (RunnerFailed, DownloadFailed) is deleted and the load goes on as a cold one.
async function findExisting(
  core: ManagerCore,
  slot: ModelSlot,
  state: ExoState,
): Promise<ExoInstance | undefined> {
  const candidates = [...state.instances.values()].filter(
    (instance) => instance.modelId === slot.settings.exoModelId,
  );
  const verdicts = candidates.map((instance) => ({
    instance,
    verdict: evaluateReadiness(state, instance.instanceId),
  }));

  for (const { instance, verdict } of verdicts) {
    if (verdict.kind !== 'failed') continue;
    core.logger.warn(
      { model: slot.name, instanceId: instance.instanceId, reason: verdict.reason },
      'deleting a broken EXO instance instead of adopting it',
    );
    await deleteQuietly(core, slot, instance.instanceId);
  }

  const usable = verdicts.filter(({ verdict }) => verdict.kind !== 'failed');
  const chosen = usable.find(({ verdict }) => verdict.kind === 'ready') ?? usable[0];
  if (usable.length > 1) {
    core.logger.warn(
      { model: slot.name, instances: usable.map(({ instance }) => instance.instanceId) },
      'EXO has several instances of this model; adopting one',
    );
  }
  return chosen?.instance;
}

/** /instance/placement then POST /instance; on a memory shortage, unload LRU idle models and retry. */
async function placeInstance(core: ManagerCore, slot: ModelSlot, span: Span): Promise<string> {
  const { exoModelId, sharding, instanceType, minNodes } = slot.settings;
  const evicted: string[] = [];

  for (;;) {
    const placed = await core.exo.placement({
      modelId: exoModelId,
      sharding,
      instanceType,
      minNodes,
    });
    let refusal = placed.ok ? undefined : placed.message;
    if (placed.ok) {
      const created = await core.exo.createInstance(placed.value);
      if (created.ok) return placed.value.instanceId;
      refusal = created.message;
    }

    const victim = /memory/i.test(refusal ?? '') ? pickVictim(core, slot) : undefined;
    if (!victim) throw placementFailed(core, slot, refusal ?? 'no reason given', evicted);

    // A model bigger than the whole cluster would otherwise empty it of idle models first.
    if (evicted.length === 0) {
      const neverFits = await findNeverFits(core, exoModelId);
      if (neverFits) {
        throw placementFailed(core, slot, refusal ?? 'no reason given', evicted, neverFits);
      }
    }

    evicted.push(victim.name);
    span.setAttribute('exo_router.load.evicted_models', [...evicted]);
    core.logger.info(
      { model: victim.name, for: slot.name, reason: refusal },
      'evicting idle model to free memory',
    );
    await core.unload(victim, 'memory');
  }
}

/** The least recently used model that is ready, idle and not pinned (keep_alive < 0). */
function pickVictim(core: ManagerCore, loading: ModelSlot): ModelSlot | undefined {
  // A pin means "loaded until an admin unload": memory pressure does not override it.
  const candidates = [...core.slots()].filter(
    (slot) => slot !== loading && slot.state === 'ready' && slot.idle && !isPinned(slot),
  );
  candidates.sort((a, b) => a.lastUsedAt - b.lastUsedAt);
  return candidates[0];
}

function isPinned(slot: ModelSlot): boolean {
  return slot.keepAlive?.kind === 'forever';
}

function placementFailed(
  core: ManagerCore,
  slot: ModelSlot,
  refusal: string,
  evicted: string[],
  neverFits?: NeverFits,
): RouterError {
  const busy = [...core.slots()]
    .filter((other) => other !== slot && other.state === 'ready' && !other.idle)
    .map((other) => other.name);
  const pinned = [...core.slots()]
    .filter((other) => other !== slot && other.state === 'ready' && other.idle && isPinned(other))
    .map((other) => other.name);
  const notes = [
    neverFits ? neverFitsNote(neverFits) : '',
    evicted.length > 0 ? `unloaded idle ${evicted.join(', ')} first` : '',
    busy.length > 0 ? `busy models are never evicted: ${busy.join(', ')}` : '',
    pinned.length > 0
      ? `pinned models (keep_alive < 0) are never evicted: ${pinned.join(', ')}`
      : '',
  ].filter(Boolean);
  const suffix = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  return new RouterError(
    'placement_failed',
    `EXO cannot place ${slot.name} (${slot.settings.exoModelId}): ${refusal}${suffix}`,
  );
}

async function deleteQuietly(core: ManagerCore, slot: ModelSlot, instanceId: string) {
  try {
    await core.exo.deleteInstance(instanceId);
  } catch (err) {
    core.logger.warn({ err, model: slot.name, instanceId }, 'could not delete EXO instance');
  }
}

function finish(
  core: ManagerCore,
  slot: ModelSlot,
  span: Span,
  kind: LoadKind,
  outcome: LoadOutcome,
  startedAt: number,
  err?: unknown,
): void {
  span.setAttributes({ 'exo_router.load.kind': kind, 'exo_router.load.outcome': outcome });
  if (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
  }
  span.end();
  core.telemetry.recordLoad(slot.name, kind, outcome, (core.now() - startedAt) / 1000);
}

export function outcomeOf(err: unknown): LoadOutcome {
  switch (errorCode(err)) {
    case 'load_timeout':
      return 'timeout';
    case 'load_stalled':
      return 'stalled';
    case 'placement_failed':
      return 'placement_failed';
    case 'exo_unreachable':
      return 'exo_unreachable';
    default:
      return (err as Error)?.name === 'AbortError' ? 'aborted' : 'failed';
  }
}
