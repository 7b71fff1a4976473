import type { ManagerCore } from './core.ts';

/** A model bigger than the RAM of every node together: no unload can make room for it. */
export interface NeverFits {
  modelBytes: number;
  clusterBytes: number;
}

/**
 * Decides from what EXO reports (`/v1/models` storage_size_megabytes, `/state` nodeMemory
 * ramTotal) whether a model can never fit the cluster. Undefined when it may fit or when
 * anything needed is unknown: then eviction goes on as before.
 */
export async function findNeverFits(
  core: ManagerCore,
  exoModelId: string,
): Promise<NeverFits | undefined> {
  try {
    const [models, state] = await Promise.all([core.exo.models(), core.exo.state()]);
    const model = models.find((m) => m.id === exoModelId || m.huggingFaceId === exoModelId);
    const modelBytes = model?.storageBytes;
    const totals = [...state.nodeMemory.values()].map((node) => node.totalBytes);
    if (modelBytes === undefined || totals.length === 0) return undefined;
    let clusterBytes = 0;
    for (const total of totals) {
      if (total === undefined) return undefined;
      clusterBytes += total;
    }
    return modelBytes > clusterBytes ? { modelBytes, clusterBytes } : undefined;
  } catch (err) {
    core.logger.debug({ err, model: exoModelId }, 'cannot tell whether the model can ever fit');
    return undefined;
  }
}

/** The clause added to EXO's refusal, in decimal GB. */
export function neverFitsNote({ modelBytes, clusterBytes }: NeverFits): string {
  return (
    `the model needs ${gigabytes(modelBytes)} GB and the cluster has ${gigabytes(clusterBytes)} GB` +
    ' in all, so no unload could make it fit'
  );
}

function gigabytes(bytes: number): string {
  return (bytes / 1e9).toFixed(1);
}
