// One test per line of fixtures/macmon/edge-cases.jsonl, with the outcome its README gives.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Derived, deriveReadings } from '../../src/sample/derive-readings.ts';
import { parseLine } from '../../src/sample/parse-line.ts';
import { fixtureLines } from '../fixtures.ts';

const lines = fixtureLines('edge-cases.jsonl');

function derive(lineNo: number): Derived {
  const parsed = parseLine(lines[lineNo - 1]!);
  assert.equal(parsed.kind, 'sample', `line ${lineNo} should parse`);
  return deriveReadings((parsed as { sample: Record<string, unknown> }).sample);
}

const ALL_SEVENTEEN = 17;

describe('edge-cases.jsonl', () => {
  it('has the 14 lines the README describes', () => {
    assert.equal(lines.length, 14);
  });

  it('1: null gpu_power and cpu temperature → no point for those two, the rest exported', () => {
    const { readings, problems } = derive(1);

    assert.equal(readings.gauges.powerGpu, undefined);
    assert.equal(readings.gauges.tempCpu, undefined);
    assert.equal(Object.keys(readings.gauges).length, ALL_SEVENTEEN - 2);
    assert.equal(readings.gauges.powerTotal, 35.68);
    // The rest of the board is the total minus the domains that have a reading.
    assert.equal(readings.gauges.powerSystem, 35.68 - (14.02 + 0 + 1.269 + 0));
    assert.equal(readings.gauges.tempGpu, 73.5);
    assert.deepEqual(problems, [
      { field: 'gpu_power', reason: 'null' },
      { field: 'temp.cpu_temp_avg', reason: 'null' },
    ]);
    for (const value of Object.values(readings.gauges)) assert.ok(Number.isFinite(value));
  });

  it('2: GPU temperature −1.85 °C → no GPU temperature point', () => {
    const { readings, problems } = derive(2);
    assert.equal(readings.gauges.tempGpu, undefined);
    assert.equal(readings.gauges.tempCpu, 82.86);
    assert.deepEqual(problems, [{ field: 'temp.gpu_temp_avg', reason: 'implausible' }]);
  });

  it('3: GPU temperature 2.37 °C (firmware sentinels) → no GPU temperature point', () => {
    const { readings, problems } = derive(3);
    assert.equal(readings.gauges.tempGpu, undefined);
    assert.deepEqual(problems, [{ field: 'temp.gpu_temp_avg', reason: 'implausible' }]);
  });

  it('4: sys_power 0.0 → total is the sum of the domains, never 0 W', () => {
    const { readings } = derive(4);
    const expected = 7.494035720825195 + 0.0184178426861763 + 0 + 0.46787330508232117 + 0;
    assert.ok(Math.abs(readings.gauges.powerTotal! - expected) < 1e-12);
    assert.equal(readings.gauges.powerSystem, undefined);
  });

  it('5: ram_power 0.0 (M1) → exported as 0 W, a real reading', () => {
    const { readings, problems } = derive(5);
    assert.equal(readings.gauges.powerRam, 0);
    assert.deepEqual(problems, []);
  });

  it('6: ram_usage 2^64−1 (wrapped subtraction) → no RAM-used point', () => {
    const { readings, problems } = derive(6);
    assert.equal(readings.gauges.ramUsed, undefined);
    assert.equal(readings.gauges.ramTotal, 17179869184);
    assert.deepEqual(problems, [{ field: 'memory.ram_usage', reason: 'implausible' }]);
  });

  it('7, 8: error text and a cut-off object are rejected lines', () => {
    assert.deepEqual(parseLine(lines[6]!), { kind: 'rejected', reason: 'not_json' });
    assert.deepEqual(parseLine(lines[7]!), { kind: 'rejected', reason: 'not_json' });
  });

  it('9: an empty line is ignored', () => {
    assert.deepEqual(parseLine(lines[8]!), { kind: 'empty' });
  });

  it('10: E-cluster at 1 MHz → the usage ratio is still exported', () => {
    const { readings, problems } = derive(10);
    assert.equal(readings.gauges.ecpuUsage, 0.05);
    assert.deepEqual(problems, []);
  });

  it('11: unknown keys (npu_power, battery) are ignored', () => {
    const { readings, problems } = derive(11);
    assert.equal(Object.keys(readings.gauges).length, ALL_SEVENTEEN);
    assert.deepEqual(problems, []);
  });

  it('12: no temp object → temperatures absent, everything else exported', () => {
    const { readings } = derive(12);
    assert.equal(readings.gauges.tempCpu, undefined);
    assert.equal(readings.gauges.tempGpu, undefined);
    assert.equal(Object.keys(readings.gauges).length, ALL_SEVENTEEN - 2);
  });

  it('13: a fan with max_rpm null → speed exported, no maximum', () => {
    const { readings } = derive(13);
    assert.deepEqual(readings.fans, [{ name: 'fan0', rpm: 1850, maxRpm: undefined }]);
  });

  it('14: usage ratio 1.7 → no point for that series', () => {
    const { readings, problems } = derive(14);
    assert.equal(readings.gauges.gpuUsage, undefined);
    assert.equal(readings.gauges.ecpuUsage, 0.997);
    assert.deepEqual(problems, [{ field: 'gpu_usage', reason: 'implausible' }]);
  });
});
