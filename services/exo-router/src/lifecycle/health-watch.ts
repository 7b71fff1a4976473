import { evaluateReadiness } from '../exo/readiness.ts';
import type { ManagerCore } from './core.ts';
import type { ModelSlot } from './model-slot.ts';

export type GoneHandler = (slot: ModelSlot, reason: string, deleteInstance: boolean) => void;

/**
 * Watches the instances of ready models. EXO can lose one behind our back: deleted after
 * node loss or its retry cap, RunnerFailed, or a runner process that vanished while the
 * instance stays registered and every request then times out (exo #2120). Such a model is
 * marked unloaded (its broken instance deleted) so the next request loads it afresh.
 * Returns a stop function.
 */
export function startHealthWatch(
  core: ManagerCore,
  intervalMs: number,
  onGone: GoneHandler,
): () => void {
  let running = false;

  const tick = async () => {
    const ready = [...core.slots()].filter((slot) => slot.state === 'ready' && slot.instanceId);
    if (running || ready.length === 0) return;

    running = true;
    try {
      const state = await core.exo.state();
      for (const slot of ready) {
        const instanceId = slot.instanceId;
        if (slot.state !== 'ready' || !instanceId) continue;

        const verdict = evaluateReadiness(state, instanceId);
        const instance = state.instances.get(instanceId);
        const vanished = instance?.runnerIds.filter((id) => !state.runners.has(id)) ?? [];
        if (verdict.kind === 'missing') {
          onGone(slot, `EXO no longer has instance ${instanceId}`, false);
        } else if (verdict.kind === 'failed') {
          onGone(slot, verdict.reason, true);
        } else if (vanished.length > 0) {
          onGone(slot, `runner ${vanished.join(', ')} of instance ${instanceId} vanished`, true);
        }
      }
    } catch (err) {
      core.logger.debug({ err }, 'health check of loaded models skipped: EXO did not answer');
    } finally {
      running = false;
    }
  };

  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
