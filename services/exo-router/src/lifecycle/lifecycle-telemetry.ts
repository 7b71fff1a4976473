import type { Meter, Tracer } from '@opentelemetry/api';
import { metricNames } from '../metric-names.ts';
import type { UnloadReason } from './types.ts';

export type LoadKind = 'cold' | 'joined' | 'adopted';

export type LoadOutcome =
  | 'success'
  | 'failed'
  | 'timeout'
  | 'stalled'
  | 'placement_failed'
  | 'exo_unreachable'
  | 'aborted';

export interface LifecycleTelemetry {
  readonly tracer: Tracer;
  recordLoad(model: string, kind: LoadKind, outcome: LoadOutcome, seconds: number): void;
  recordEviction(model: string, reason: UnloadReason): void;
  recordQueueWait(model: string, seconds: number): void;
}

// Load durations run from milliseconds (adopted) to many minutes (first download).
const loadBuckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 3600];
const waitBuckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900];

/** The lifecycle instruments; `loadedCount` feeds the models-loaded gauge at collection time. */
export function createLifecycleTelemetry(
  tracer: Tracer,
  meter: Meter,
  loadedCount: () => number,
): LifecycleTelemetry {
  const loadDuration = meter.createHistogram(metricNames.modelLoadDuration, {
    unit: 's',
    description: 'Time from the start of a model load (or of joining one) to its outcome',
    advice: { explicitBucketBoundaries: loadBuckets },
  });
  const loads = meter.createCounter(metricNames.modelLoads, {
    unit: '{load}',
    description: 'Model loads by outcome and kind (cold, joined, adopted)',
  });
  const evictions = meter.createCounter(metricNames.modelEvictions, {
    unit: '{eviction}',
    description: 'Models unloaded, by reason (ttl, memory, admin, keep_alive, removed)',
  });
  const queueWait = meter.createHistogram(metricNames.queueWait, {
    unit: 's',
    description: 'Time a request waited for its model before being sent upstream',
    advice: { explicitBucketBoundaries: waitBuckets },
  });
  meter
    .createObservableGauge(metricNames.modelsLoaded, {
      unit: '{model}',
      description: 'EXO models currently loaded and ready',
    })
    .addCallback((result) => result.observe(loadedCount()));

  return {
    tracer,
    recordLoad(model, kind, outcome, seconds) {
      const attributes = {
        'gen_ai.request.model': model,
        'gen_ai.provider.name': 'exo',
        'exo_router.load.kind': kind,
        'exo_router.load.outcome': outcome,
      };
      loadDuration.record(seconds, attributes);
      loads.add(1, attributes);
    },
    recordEviction(model, reason) {
      evictions.add(1, { 'gen_ai.request.model': model, 'gen_ai.provider.name': 'exo', reason });
    },
    recordQueueWait(model, seconds) {
      queueWait.record(seconds, { 'gen_ai.request.model': model, 'gen_ai.provider.name': 'exo' });
    },
  };
}
