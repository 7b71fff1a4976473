import assert from 'node:assert/strict';
import { it } from 'node:test';
import { GpuStore } from '../../src/gpu/gpu-store.ts';
import type { GpuRow } from '../../src/smi/parse-row.ts';

const row = (index: number, watts: number | undefined, timestampMs?: number): GpuRow => ({
  kind: 'row',
  gpu: { index, uuid: `GPU-${index}`, name: 'NVIDIA H200', busId: undefined },
  timestampMs,
  migEnabled: false,
  readings: new Map(watts === undefined ? [] : [['powerBoard', watts]]),
  rejected: [],
});

it('reports a GPU only while its last row is younger than three intervals', () => {
  const store = new GpuStore(100);
  assert.equal(store.record(row(0, 50), 0, 0), 'new');
  assert.equal(store.record(row(1, 60), 0, 0), 'new');
  assert.equal(store.record(row(0, 50), 250, 250), 'updated');
  assert.deepEqual(
    store.fresh(300).map((g) => g.attributes['gpu.index']),
    [0, 1],
  );
  assert.deepEqual(
    store.fresh(301).map((g) => g.attributes['gpu.index']),
    [0],
  );
  assert.deepEqual(store.fresh(551), []);
});

it('stops a lost GPU until it answers again, and the energy chain restarts', () => {
  const store = new GpuStore(100);
  store.record(row(0, 100, 0), 0, 0);
  store.record(row(0, 100, 100), 100, 100);
  const lost = store.markLost({ kind: 'lost', index: 0, uuid: undefined });
  assert.equal(lost?.attributes['gpu.uuid'], 'GPU-0');
  assert.equal(store.markLost({ kind: 'lost', index: 0, uuid: undefined }), undefined);
  assert.deepEqual(store.fresh(150), []);

  assert.equal(store.record(row(0, 100, 200), 200, 200), 'recovered');
  const [gpu] = store.fresh(200);
  assert.equal(gpu?.energy.joules, 10);
  assert.equal(gpu?.attributes['gpu.name'], 'NVIDIA H200');
  assert.equal('gpu.pci.bus_id' in (gpu?.attributes ?? {}), false);
});

it('has no energy series for a GPU that never reported power', () => {
  const store = new GpuStore(100);
  store.record(row(0, undefined), 0, 0);
  assert.equal(store.fresh(0)[0]?.hasEnergy, false);
});
