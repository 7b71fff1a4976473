import type { LoadProgress } from '../lifecycle/types.ts';
import type { ExoInstance, ExoState } from './exo-types.ts';

export type Readiness =
  | { kind: 'ready' }
  | { kind: 'missing' }
  | { kind: 'failed'; reason: string }
  /** `marker` changes whenever anything moved; the stall detector compares it. */
  | { kind: 'progress'; progress: LoadProgress; marker: string };

/**
 * Decides whether an instance can serve, following EXO's own harness: ready when every
 * runner of the instance is RunnerReady or RunnerRunning (reference §5.5).
 */
export function evaluateReadiness(state: ExoState, instanceId: string): Readiness {
  const instance = state.instances.get(instanceId);
  if (!instance) return { kind: 'missing' };

  const download = downloadProgress(state, instance);
  if (download.failed) return { kind: 'failed', reason: download.failed };

  let ready = 0;
  let layersLoaded = 0;
  let totalLayers = 0;
  let loading = false;
  let warming = false;
  const marks: string[] = [];
  for (const runnerId of instance.runnerIds) {
    const runner = state.runners.get(runnerId);
    marks.push(runner ? (runner.tag === 'other' ? runner.name : runner.tag) : '-');
    if (!runner) continue;
    if (runner.tag === 'RunnerFailed') {
      const why = runner.errorMessage ?? 'no reason given';
      return { kind: 'failed', reason: `runner ${runnerId} failed: ${why}` };
    }
    if (runner.tag === 'RunnerReady' || runner.tag === 'RunnerRunning') ready++;
    if (runner.tag === 'RunnerLoading') {
      loading = true;
      layersLoaded += runner.layersLoaded ?? 0;
      totalLayers += runner.totalLayers ?? 0;
    }
    if (runner.tag === 'other' && /Loaded|WarmingUp/.test(runner.name)) warming = true;
  }
  if (instance.runnerIds.length > 0 && ready === instance.runnerIds.length) {
    return { kind: 'ready' };
  }

  const marker = `${marks.join(',')}|${download.downloaded}|${layersLoaded}`;
  if (download.active) {
    const fraction = download.total > 0 ? download.downloaded / download.total : undefined;
    const progress: LoadProgress = { phase: 'downloading', detail: download.detail };
    if (fraction !== undefined) progress.fraction = fraction;
    return { kind: 'progress', progress, marker };
  }
  if (loading) {
    const progress: LoadProgress = { phase: 'loading', detail: 'loading weights' };
    if (totalLayers > 0) {
      progress.fraction = layersLoaded / totalLayers;
      progress.detail = `${layersLoaded}/${totalLayers} layers`;
    }
    return { kind: 'progress', progress, marker };
  }
  if (warming) {
    return { kind: 'progress', progress: { phase: 'warming', detail: 'warming up' }, marker };
  }
  return { kind: 'progress', progress: { phase: 'loading', detail: 'starting runners' }, marker };
}

interface DownloadSummary {
  failed?: string;
  active: boolean;
  downloaded: number;
  total: number;
  detail: string;
}

// Sums the download entries of the instance's model on the instance's nodes.
function downloadProgress(state: ExoState, instance: ExoInstance): DownloadSummary {
  const summary: DownloadSummary = { active: false, downloaded: 0, total: 0, detail: '' };
  const nodes = new Set(instance.nodeIds);

  for (const entry of state.downloads) {
    if (entry.modelId !== instance.modelId || !nodes.has(entry.nodeId)) continue;
    const status = entry.status;
    if (status.tag === 'DownloadFailed') {
      // DownloadFailed is sticky in EXO: nothing retries it, the instance would idle forever.
      const why = status.errorMessage ?? 'no reason given';
      summary.failed = `download of ${instance.modelId} failed on node ${entry.nodeId}: ${why}`;
      return summary;
    }
    if (status.tag === 'DownloadPending' || status.tag === 'DownloadOngoing') {
      summary.active = true;
    }
    if (status.tag === 'DownloadOngoing') {
      summary.downloaded += status.downloaded ?? 0;
      summary.total += status.total ?? 0;
    }
  }

  summary.detail =
    summary.total > 0
      ? `${formatBytes(summary.downloaded)} of ${formatBytes(summary.total)}`
      : 'waiting for download';
  return summary;
}

function formatBytes(value: number): string {
  return `${(value / 1024 ** 3).toFixed(2)} GiB`;
}
