import type { Cluster, InstanceRecord, RunnerRecord } from './cluster.ts';

/** How often the worker loop advances downloads and runners (EXO's own plan loop runs every 0.1 s). */
export const TICK_MS = 25;

/** Starts the loop that moves every runner through EXO's phases; returns a stop function. */
export function startLifecycle(cluster: Cluster): () => void {
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    tick(cluster, now - last, now);
    last = now;
  }, TICK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** One step: downloads, then each runner of each instance, then shut-down runners leave. */
export function tick(cluster: Cluster, elapsedMs: number, now: number): void {
  for (const instance of [...cluster.instances.values()]) {
    for (const runner of instance.runners) advanceDownload(cluster, instance, runner, elapsedMs);
    for (const runner of instance.runners) advanceRunner(cluster, instance, runner, elapsedMs, now);
  }

  // RunnerShutdown is never persisted: applying it removes the runner from state.runners.
  cluster.shuttingDown = cluster.shuttingDown.filter((runner) => (runner.removeAt ?? 0) > now);
}

function advanceDownload(
  cluster: Cluster,
  instance: InstanceRecord,
  runner: RunnerRecord,
  elapsedMs: number,
): void {
  if (!runner.present) return;

  const existing = cluster.download(runner.nodeId, instance.model.id);
  if (existing?.status === 'completed' || existing?.status === 'failed') return;

  const record = existing ?? {
    nodeId: runner.nodeId,
    model: instance.model,
    status: 'ongoing',
    progress: 0,
  };
  if (!existing) cluster.setDownload(record);

  // DownloadFailed is sticky: neither the worker nor the coordinator retries it; only DELETE /download resets it.
  const failure = cluster.faults.downloadFailed;
  if (failure) {
    record.status = 'failed';
    record.errorMessage = failure;
    return;
  }

  record.progress = step(record.progress, elapsedMs, cluster.options.downloadMs);
  if (record.progress >= 1) record.status = 'completed';
}

function advanceRunner(
  cluster: Cluster,
  instance: InstanceRecord,
  runner: RunnerRecord,
  elapsedMs: number,
  now: number,
): void {
  if (!runner.present) return;

  if (cluster.faults.vanishRunner) {
    // The runner process disappears while the instance stays registered (exo #2120).
    runner.present = false;
    return;
  }

  if (runner.phase === 'failed') {
    retryFailedRunner(cluster, instance, runner, now);
    return;
  }

  const failure = cluster.faults.runnerFailed;
  if (failure && runner.phase !== 'idle' && runner.phase !== 'connected') {
    failRunner(cluster, instance, runner, failure, now);
    return;
  }

  const options = cluster.options;
  switch (runner.phase) {
    case 'idle':
    case 'connected':
      startLoadingWhenDownloaded(cluster, instance, runner);
      return;
    case 'loading':
      if (cluster.faults.loadingStalls) return;
      runner.progress = step(runner.progress, elapsedMs, options.loadMs);
      if (runner.progress >= 1) enter(runner, 'loaded');
      return;
    case 'loaded':
      enter(runner, 'warming');
      return;
    case 'warming':
      runner.progress = step(runner.progress, elapsedMs, options.warmupMs);
      if (runner.progress >= 1) enter(runner, 'ready');
      return;
    default:
      return;
  }
}

/** Loading starts only when every node of the instance has the model on disk. */
function startLoadingWhenDownloaded(
  cluster: Cluster,
  instance: InstanceRecord,
  runner: RunnerRecord,
): void {
  const own = cluster.download(runner.nodeId, instance.model.id);
  if (own?.status !== 'completed') return;

  const all = instance.runners.every(
    (r) => cluster.download(r.nodeId, instance.model.id)?.status === 'completed',
  );
  if (!all) {
    if (instance.runners.length > 1) runner.phase = 'connected';
    return;
  }
  enter(runner, 'loading');
}

function failRunner(
  cluster: Cluster,
  instance: InstanceRecord,
  runner: RunnerRecord,
  message: string,
  now: number,
): void {
  instance.failures += 1;
  enter(runner, 'failed');
  runner.errorMessage = message;

  // EXO retries runner creation with a doubling backoff capped at 10 s (v1.0.70+, #1763).
  const backoff = cluster.options.retryBackoffMs * 2 ** (instance.failures - 1);
  runner.retryAt = now + Math.min(backoff, 10_000);

  for (const task of [...cluster.tasks.values()]) {
    if (task.instanceId === instance.instanceId && task.status === 'Running') {
      task.stop('runner_failed');
    }
  }
}

function retryFailedRunner(
  cluster: Cluster,
  instance: InstanceRecord,
  runner: RunnerRecord,
  now: number,
): void {
  if ((runner.retryAt ?? 0) > now) return;

  // After EXO_MAX_INSTANCE_RETRIES failures the worker deletes the instance (#1763).
  if (instance.failures >= cluster.options.maxInstanceRetries) {
    cluster.deleteInstance(instance.instanceId);
    return;
  }

  enter(runner, 'idle');
  delete runner.errorMessage;
  delete runner.retryAt;
}

function enter(runner: RunnerRecord, phase: RunnerRecord['phase']): void {
  runner.phase = phase;
  runner.progress = 0;
}

function step(progress: number, elapsedMs: number, durationMs: number): number {
  if (durationMs <= 0) return 1;
  return Math.min(1, progress + elapsedMs / durationMs);
}

/** Layers loaded so far by one runner (its own shard), for RunnerLoading. */
export function layersLoaded(runner: RunnerRecord): number {
  return Math.floor((runner.endLayer - runner.startLayer) * runner.progress);
}
