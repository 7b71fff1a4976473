import { RouterError } from '../errors.ts';
import { formatDuration } from '../exo/format-duration.ts';
import { type ManagerCore, pause } from './core.ts';
import type { ModelSlot } from './model-slot.ts';

/**
 * DELETE /instance/{id}, then wait until EXO confirms it gone: the instance answers 404
 * and its runners have left /state. Deletion is asynchronous in EXO and stale runners
 * have lingered before (exo #1732), so "deleted" is not "gone". Bounded by unloadConfirmMs.
 */
export async function deleteAndConfirm(
  core: ManagerCore,
  slot: ModelSlot,
  instanceId: string,
  onDeleteAccepted: () => void = () => {},
): Promise<void> {
  const runnerIds = (await core.exo.getInstance(instanceId))?.runnerIds ?? [];
  await core.exo.deleteInstance(instanceId);
  onDeleteAccepted();

  const deadline = core.now() + core.unloadConfirmMs;
  for (;;) {
    if (await isGone(core, instanceId, runnerIds)) return;
    if (core.now() >= deadline) {
      throw new RouterError(
        'exo_error',
        `EXO did not confirm instance ${instanceId} of ${slot.name} gone within ${formatDuration(core.unloadConfirmMs)} of DELETE /instance (its runners are still in /state)`,
      );
    }
    await pause(core, core.pollIntervalMs);
  }
}

async function isGone(core: ManagerCore, instanceId: string, runnerIds: string[]) {
  if (await core.exo.getInstance(instanceId)) return false;
  if (runnerIds.length === 0) return true;

  const state = await core.exo.state();
  return runnerIds.every((runnerId) => !state.runners.has(runnerId));
}
