import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wantedFields } from '../../src/smi/fields.ts';
import { isAbsenceToken, parseRow, timestampOf } from '../../src/smi/parse-row.ts';

const fields = [
  'index',
  'uuid',
  'name',
  'pci.bus_id',
  'timestamp',
  'power.draw',
  'utilization.gpu',
  'memory.used',
  'fan.speed',
  'temperature.memory',
];
const row = (cells: string[]) => cells.join(', ');
const h200Load = [
  '0',
  'GPU-0',
  'NVIDIA H200',
  '00000000:83:00.0',
  '2026/07/03 22:11:09.763',
  '627.40',
  '100',
  '32362',
  '[N/A]',
  '40',
];

describe('parseRow', () => {
  it('maps cells by position and converts to the metric units', () => {
    const parsed = parseRow(row(h200Load), fields);
    assert.equal(parsed.kind, 'row');
    if (parsed.kind !== 'row') return;
    assert.deepEqual(parsed.gpu, {
      index: 0,
      uuid: 'GPU-0',
      name: 'NVIDIA H200',
      busId: '00000000:83:00.0',
    });
    assert.equal(parsed.readings.get('powerBoard'), 627.4);
    assert.equal(parsed.readings.get('utilization'), 1);
    assert.equal(parsed.readings.get('memoryUsed'), 33_934_016_512);
    assert.equal(parsed.readings.get('tempMemory'), 40);
    assert.equal(parsed.timestampMs, new Date(2026, 6, 3, 22, 11, 9, 763).getTime());
  });

  it('gives no reading for every absence token, never 0 or NaN', () => {
    const tokens = [
      '[N/A]',
      'N/A',
      '[Not Supported]',
      '[Unknown Error]',
      '[Insufficient Permissions]',
      '[Requested functionality has been deprecated]',
      'ERR!',
      '',
    ];
    for (const token of tokens) {
      const cells = [...h200Load];
      cells[5] = token;
      const parsed = parseRow(row(cells), fields);
      assert.equal(parsed.kind, 'row', token);
      if (parsed.kind !== 'row') continue;
      assert.equal(parsed.readings.has('powerBoard'), false, token);
      assert.deepEqual(
        parsed.rejected.find((r) => r.field === 'power.draw'),
        { field: 'power.draw', reason: 'absent' },
      );
      assert.ok(isAbsenceToken(token));
    }
  });

  it('keeps a fan at 0 % (fan stop) as a reading', () => {
    const cells = [...h200Load];
    cells[8] = '0';
    const parsed = parseRow(row(cells), fields);
    assert.equal(parsed.kind === 'row' && parsed.readings.get('fanSpeed'), 0);
  });

  it('rejects implausible and malformed numbers', () => {
    const cells = [...h200Load];
    cells[5] = '99999.00';
    cells[6] = '12abc';
    const parsed = parseRow(row(cells), fields);
    assert.equal(parsed.kind, 'row');
    if (parsed.kind !== 'row') return;
    assert.deepEqual(parsed.rejected, [
      { field: 'power.draw', reason: 'implausible' },
      { field: 'utilization.gpu', reason: 'malformed' },
      { field: 'fan.speed', reason: 'absent' },
    ]);
  });

  it('turns [GPU is lost] into a lost row for that GPU', () => {
    const cells = h200Load.map((_cell, i) => (i === 0 ? '3' : '[GPU is lost]'));
    assert.deepEqual(parseRow(row(cells), fields), { kind: 'lost', index: 3, uuid: undefined });
  });

  it('refuses lines that are not rows of the query', () => {
    assert.equal(
      parseRow('Xid (PCI:0000:83:00): 79, pid=1234, GPU has fallen off the bus.', fields).kind,
      'bad',
    );
    assert.equal(parseRow(row(h200Load.slice(0, 5)), fields).kind, 'bad');
    assert.equal(parseRow(row(['x', ...h200Load.slice(1)]), fields).kind, 'bad');
  });

  it('reads MIG mode and works on the full wanted field list', () => {
    const cells = wantedFields.map((f) =>
      f === 'index' ? '0' : f === 'uuid' ? 'GPU-1' : f === 'mig.mode.current' ? 'Enabled' : '[N/A]',
    );
    const parsed = parseRow(row(cells), wantedFields);
    assert.equal(parsed.kind === 'row' && parsed.migEnabled, true);
  });
});

describe('timestampOf', () => {
  it('reads nvidia-smi timestamps as local time and refuses anything else', () => {
    assert.equal(
      timestampOf('2026/01/02 03:04:05.006'),
      new Date(2026, 0, 2, 3, 4, 5, 6).getTime(),
    );
    assert.equal(timestampOf('[N/A]'), undefined);
    assert.equal(timestampOf(undefined), undefined);
  });
});
