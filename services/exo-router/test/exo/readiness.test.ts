import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseState } from '../../src/exo/parse-state.ts';
import { evaluateReadiness } from '../../src/exo/readiness.ts';

// /state documents shaped as the reference shows them (camelCase, tagged unions).
const MODEL = 'mlx-community/Qwen3-30B-A3B-4bit';

function stateWith(runners: Record<string, unknown>, downloads: unknown[] = []) {
  return parseState({
    instances: {
      i1: {
        MlxRingInstance: {
          instanceId: 'i1',
          shardAssignments: {
            modelId: MODEL,
            runnerToShard: { r1: {}, r2: {} },
            nodeToRunner: { n1: 'r1', n2: 'r2' },
          },
        },
      },
    },
    runners,
    downloads: { n1: downloads, n2: [] },
    someFutureKey: { ignored: true },
  });
}

const download = (tag: string, body: Record<string, unknown>) => ({
  [tag]: {
    nodeId: 'n1',
    shardMetadata: { PipelineShardMetadata: { modelCard: { modelId: MODEL } } },
    ...body,
  },
});

test('ready only when every runner is RunnerReady or RunnerRunning', () => {
  const partly = stateWith({ r1: { RunnerReady: { prefillServerPort: null } } });
  assert.equal(evaluateReadiness(partly, 'i1').kind, 'progress');

  const all = stateWith({ r1: { RunnerReady: {} }, r2: { RunnerRunning: {} } });
  assert.deepEqual(evaluateReadiness(all, 'i1'), { kind: 'ready' });
  assert.deepEqual(evaluateReadiness(all, 'other'), { kind: 'missing' });
});

test('layer progress is summed over pipeline runners', () => {
  const state = stateWith({
    r1: { RunnerLoading: { layersLoaded: 10, totalLayers: 24 } },
    r2: { RunnerLoading: { layersLoaded: 2, totalLayers: 24 } },
  });
  const verdict = evaluateReadiness(state, 'i1');
  assert.equal(verdict.kind, 'progress');
  if (verdict.kind !== 'progress') return;
  assert.equal(verdict.progress.phase, 'loading');
  assert.equal(verdict.progress.fraction, 12 / 48);
  assert.equal(verdict.progress.detail, '12/48 layers');
});

test('download progress reads both the 1.0.68+ and the ≤ 1.0.67 field names', () => {
  const current = download('DownloadOngoing', {
    downloadProgress: { downloaded: { inBytes: 25 }, total: { inBytes: 100 } },
  });
  const legacy = download('DownloadOngoing', {
    downloadProgress: { downloadedBytes: { inBytes: 50 }, totalBytes: { inBytes: 100 } },
  });
  for (const [entry, fraction] of [
    [current, 0.25],
    [legacy, 0.5],
  ] as const) {
    const verdict = evaluateReadiness(stateWith({}, [entry]), 'i1');
    assert.equal(verdict.kind, 'progress');
    if (verdict.kind === 'progress') {
      assert.equal(verdict.progress.phase, 'downloading');
      assert.equal(verdict.progress.fraction, fraction);
    }
  }
});

test('RunnerFailed and DownloadFailed are terminal, with EXO reason', () => {
  const failed = stateWith({ r1: { RunnerFailed: { errorMessage: 'Terminated (exitcode=1)' } } });
  assert.deepEqual(evaluateReadiness(failed, 'i1'), {
    kind: 'failed',
    reason: 'runner r1 failed: Terminated (exitcode=1)',
  });

  const sticky = stateWith({}, [download('DownloadFailed', { errorMessage: 'disk full' })]);
  assert.deepEqual(evaluateReadiness(sticky, 'i1'), {
    kind: 'failed',
    reason: `download of ${MODEL} failed on node n1: disk full`,
  });
});

test('unknown runner tags (older EXO versions) count as starting; the marker moves', () => {
  const a = evaluateReadiness(stateWith({ r1: { RunnerWaitingForModel: {} } }), 'i1');
  const b = evaluateReadiness(stateWith({ r1: { RunnerWarmingUp: {} } }), 'i1');
  assert.equal(a.kind, 'progress');
  assert.equal(b.kind, 'progress');
  if (a.kind === 'progress' && b.kind === 'progress') {
    assert.notEqual(a.marker, b.marker);
    assert.equal(b.progress.phase, 'warming');
  }
});

test('a body that is not an object is rejected', () => {
  assert.throws(() => parseState('Not Found'), /did not answer a JSON object/);
});
