import { evaluateReadiness } from '../exo/readiness.ts';
import type { ManagerCore } from './core.ts';
import type { ModelSlot } from './model-slot.ts';
import { scheduleIdle } from './transitions.ts';

/**
 * At start-up, takes over the instances EXO already runs for configured models (left by a
 * previous run of the router, or created by hand), so none is ever duplicated. A ready one
 * becomes "ready" at once and its idle TTL starts now; one still loading (or broken) goes
 * through a normal load, which adopts it or replaces it.
 */
export async function adoptAtStartup(
  core: ManagerCore,
  slots: ModelSlot[],
  loadInBackground: (slot: ModelSlot) => void,
): Promise<void> {
  let state: Awaited<ReturnType<ManagerCore['exo']['state']>>;
  try {
    state = await core.exo.state();
  } catch (err) {
    core.logger.warn({ err }, 'could not read EXO state at start-up; models load on first request');
    return;
  }

  for (const slot of slots) {
    if (slot.state !== 'unloaded') continue;
    const instances = [...state.instances.values()].filter(
      (instance) => instance.modelId === slot.settings.exoModelId,
    );
    if (instances.length === 0) continue;

    const ready = instances.find(
      (instance) => evaluateReadiness(state, instance.instanceId).kind === 'ready',
    );
    if (ready) adoptReady(core, slot, ready.instanceId);
    else loadInBackground(slot);
  }
}

function adoptReady(core: ManagerCore, slot: ModelSlot, instanceId: string): void {
  const now = core.now();
  Object.assign(slot, { state: 'ready', instanceId, readyAt: now, lastUsedAt: now });
  slot.setProgress({ phase: 'ready' });

  const span = core.telemetry.tracer.startSpan('exo_router.model.load', {
    attributes: {
      'gen_ai.request.model': slot.name,
      'exo.model.id': slot.settings.exoModelId,
      'exo.instance.id': instanceId,
      'exo_router.load.kind': 'adopted',
      'exo_router.load.outcome': 'success',
    },
  });
  span.end();
  core.telemetry.recordLoad(slot.name, 'adopted', 'success', 0);
  core.logger.info({ model: slot.name, instanceId }, 'adopted the instance EXO already runs');
  scheduleIdle(core, slot);
}
