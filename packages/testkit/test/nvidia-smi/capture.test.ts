import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import {
  headerName,
  headerUnit,
  loadCapture,
  nvidiaSmiCaptures,
  nvidiaSmiFixturesDir,
} from '../../src/nvidia-smi/index.ts';

it('reads every capture: both tables, one row each, aliases resolved', () => {
  for (const file of Object.values(nvidiaSmiCaptures)) {
    const capture = loadCapture(join(nvidiaSmiFixturesDir, file));
    for (const table of [capture.tables.idle, capture.tables.load]) {
      assert.equal(table.rows.length, 1, file);
      assert.equal(table.rows[0]?.length, table.header.length, file);
      for (const cell of table.header) {
        assert.ok(capture.fieldNames.has(headerName(cell)), `${file}: ${cell}`);
      }
    }
    assert.equal(capture.fieldNames.get('clocks.sm'), 'clocks.current.sm');
    assert.equal(capture.fieldNames.get('gpu.power.draw.instant'), 'power.draw.instant');
    assert.match(capture.version, /NVIDIA-SMI version/);
  }
});

it('splits header cells into field name and unit', () => {
  assert.equal(headerName('power.draw [W]'), 'power.draw');
  assert.equal(headerUnit('power.draw [W]'), 'W');
  assert.equal(headerName('temperature.gpu'), 'temperature.gpu');
  assert.equal(headerUnit('temperature.gpu'), '');
});
