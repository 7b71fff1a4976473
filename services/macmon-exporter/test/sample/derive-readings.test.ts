import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveReadings } from '../../src/sample/derive-readings.ts';
import { parseLine, type RawSample } from '../../src/sample/parse-line.ts';
import { fixtureLines } from '../fixtures.ts';

function sampleOf(line: string): RawSample {
  const parsed = parseLine(line);
  assert.equal(parsed.kind, 'sample');
  return (parsed as { sample: RawSample }).sample;
}

describe('deriveReadings on every macmon layout', () => {
  it('v0.7 EXO-pinned build: the contract values', () => {
    const [line] = fixtureLines('v0.7-exo-pinned-cpu-load.jsonl');
    const { readings, problems } = deriveReadings(sampleOf(line!));

    assert.deepEqual(problems, []);
    assert.deepEqual(readings.gauges, {
      powerCpu: 14.02,
      powerGpu: 0.0306,
      powerAne: 0,
      powerRam: 1.269,
      powerGpuRam: 0,
      powerTotal: 35.68,
      powerSystem: 35.68 - (14.02 + 0.0306 + 0 + 1.269 + 0),
      tempCpu: 82.86,
      tempGpu: 73.5,
      ecpuUsage: 0.997,
      pcpuUsage: 0.9911,
      gpuUsage: 0.00957,
      cpuUsage: 0.9946,
      ramTotal: 17179869184,
      ramUsed: 14238449664,
      swapTotal: 19327352832,
      swapUsed: 18128306176,
    });
    assert.deepEqual(readings.fans, []);
  });

  it('v0.5: struct key order, no timestamp, no combined CPU ratio', () => {
    const [first] = fixtureLines('v0.5-m3pro-24gb-idle.jsonl');
    const { readings, problems } = deriveReadings(sampleOf(first!));

    assert.deepEqual(problems, []);
    assert.equal(readings.gauges.powerTotal, 10.269848);
    assert.equal(readings.gauges.ecpuUsage, 0.08278669);
    assert.equal(readings.gauges.cpuUsage, undefined);
    assert.equal(readings.gauges.ramUsed, 14942404608);
  });

  it('v0.8.0: *_usage_ratio names and fans', () => {
    const [line] = fixtureLines('v0.8.0-m1max-64gb.jsonl');
    const { readings, problems } = deriveReadings(sampleOf(line!));

    assert.deepEqual(problems, []);
    assert.equal(readings.gauges.gpuUsage, 0.2072213888168335);
    assert.equal(readings.gauges.cpuUsage, 0.11301743984222412);
    assert.deepEqual(readings.fans, [
      { name: 'fan0', rpm: 2311, maxRpm: 5779 },
      { name: 'fan1', rpm: 2514, maxRpm: 6241 },
    ]);
  });

  it('v0.8.2: *_scaled_ratio wins over the legacy tuple', () => {
    const [line] = fixtureLines('v0.8.2-readme-values.jsonl');
    const sample = sampleOf(line!);
    sample.ecpu_usage = [1100, 0.5];
    const { readings, problems } = deriveReadings(sample);

    assert.deepEqual(problems, []);
    assert.equal(readings.gauges.ecpuUsage, 0.082656614);
    assert.equal(readings.gauges.cpuUsage, 0.036854);
    assert.equal(readings.gauges.powerTotal, 5.876533);
  });

  it('only legacy tuples (0.8 names removed) still give the ratios', () => {
    const [line] = fixtureLines('v0.8.2-readme-values.jsonl');
    const sample = sampleOf(line!);
    for (const key of ['ecpu_scaled_ratio', 'pcpu_scaled_ratio', 'gpu_scaled_ratio'])
      delete sample[key];
    const { readings } = deriveReadings(sample);

    assert.equal(readings.gauges.pcpuUsage, 0.015181795);
    assert.equal(readings.gauges.gpuUsage, 0.021497859);
  });

  it('key order never matters', () => {
    const [line] = fixtureLines('v0.8.0-m1max-64gb.jsonl');
    const sample = sampleOf(line!);
    const reversed = Object.fromEntries(Object.entries(sample).reverse());

    assert.deepEqual(deriveReadings(reversed), deriveReadings(sample));
  });
});
