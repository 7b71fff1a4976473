import { RouterError } from '../errors.ts';
import { formatDuration } from '../exo/format-duration.ts';
import { evaluateReadiness } from '../exo/readiness.ts';
import { type ManagerCore, pause } from './core.ts';
import type { ModelSlot } from './model-slot.ts';
import type { LoadProgress } from './types.ts';

/**
 * Polls /state until every runner of the instance is ready. Fails on RunnerFailed or
 * DownloadFailed (with EXO's reason), when the instance disappears after it was seen,
 * when nothing moves for stallTimeout, or when the whole load exceeds loadTimeout.
 * EXO itself bounds none of this (exo #1586, #1731).
 */
export async function waitUntilReady(
  core: ManagerCore,
  slot: ModelSlot,
  instanceId: string,
  loadStartedAt: number,
): Promise<void> {
  const { loadTimeout, stallTimeout } = slot.settings;
  let seen = false;
  let lastMarker: string | undefined;
  let lastProgressAt = core.now();
  let lastProgress: LoadProgress = slot.progress ?? { phase: 'placing' };

  for (;;) {
    const verdict = evaluateReadiness(await core.exo.state(), instanceId);

    if (verdict.kind === 'ready') return;
    if (verdict.kind === 'failed') {
      throw new RouterError('load_failed', `loading ${slot.name} failed: ${verdict.reason}`);
    }
    if (verdict.kind === 'missing' && seen) {
      throw new RouterError(
        'load_failed',
        `loading ${slot.name} failed: EXO deleted instance ${instanceId} while it was loading (EXO gives up on an instance whose runners keep failing)`,
      );
    }
    if (verdict.kind === 'progress') {
      seen = true;
      if (verdict.marker !== lastMarker) {
        lastMarker = verdict.marker;
        lastProgressAt = core.now();
        lastProgress = verdict.progress;
        slot.setProgress(verdict.progress);
      }
    }

    const now = core.now();
    if (now - loadStartedAt >= loadTimeout) {
      throw new RouterError(
        'load_timeout',
        `loading ${slot.name} did not finish within loadTimeout ${formatDuration(loadTimeout)}; last progress: ${describe(lastProgress)}`,
      );
    }
    if (now - lastProgressAt >= stallTimeout) {
      throw new RouterError(
        'load_stalled',
        `loading ${slot.name} made no progress for stallTimeout ${formatDuration(stallTimeout)}; last progress: ${describe(lastProgress)}`,
      );
    }

    const untilDeadline = Math.min(
      loadStartedAt + loadTimeout - now,
      lastProgressAt + stallTimeout - now,
    );
    await pause(core, Math.max(1, Math.min(core.pollIntervalMs, untilDeadline)));
  }
}

export function describe(progress: LoadProgress): string {
  const share = progress.fraction === undefined ? '' : ` ${(progress.fraction * 100).toFixed(0)}%`;
  const detail = progress.detail ? ` (${progress.detail})` : '';
  return `${progress.phase}${share}${detail}`;
}
