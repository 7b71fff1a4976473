import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { metricNames } from '../src/metric-names.ts';
import { createSampleHandler, type SampleHandler } from '../src/sample-handler.ts';
import { createInstruments } from '../src/telemetry/instruments.ts';
import { fixtureLines } from './fixtures.ts';
import { createTestMeter, type TestMeter } from './telemetry/test-meter.ts';

const INTERVAL_MS = 5000;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let testMeter: TestMeter;
let clock: number;
let handler: SampleHandler;
let warned: object[];

beforeEach(() => {
  testMeter = createTestMeter();
  clock = 1_000_000;
  warned = [];
  const now = () => clock;
  handler = createSampleHandler({
    instruments: createInstruments(testMeter.meter, { freshForMs: 3 * INTERVAL_MS, now }),
    intervalMs: INTERVAL_MS,
    now,
    logger: quiet,
    warnLimited: (_level, fields) => warned.push(fields),
  });
});
afterEach(() => testMeter.shutdown());

async function value(
  name: string,
  attributes: Record<string, unknown> = {},
): Promise<number | undefined> {
  const points = (await testMeter.collect()).get(name) ?? [];
  const match = points.find((p) => JSON.stringify(p.attributes) === JSON.stringify(attributes));
  return match?.value;
}

describe('energy counters', () => {
  it('a replay of N samples at a known interval gives the trapezoid integral within 0.1%', async () => {
    const lines = fixtureLines('v0.5-m3pro-24gb-idle.jsonl');
    const totals = lines.map((l) => JSON.parse(l).sys_power as number);
    const gpus = lines.map((l) => JSON.parse(l).gpu_power as number);
    const n = 721; // one hour at 5 s

    let expectedTotal = 0;
    let expectedGpu = 0;
    for (let i = 0; i < n; i += 1) {
      handler.line(lines[i % 2]!);
      if (i > 0) {
        expectedTotal += ((totals[0]! + totals[1]!) / 2) * (INTERVAL_MS / 1000);
        expectedGpu += ((gpus[0]! + gpus[1]!) / 2) * (INTERVAL_MS / 1000);
      }
      clock += INTERVAL_MS;
    }

    const total = (await value(metricNames.energyTotal))!;
    const gpu = (await value(metricNames.energyGpu))!;
    assert.ok(
      Math.abs(total - expectedTotal) / expectedTotal < 0.001,
      `${total} vs ${expectedTotal}`,
    );
    assert.ok(Math.abs(gpu - expectedGpu) / expectedGpu < 0.001, `${gpu} vs ${expectedGpu}`);
    // 10.27 W for an hour is about 36.97 kJ.
    assert.ok(Math.abs(total - 10.271 * 3600) < 5);
  });

  it('a gap longer than 3 intervals (restart, sleep) adds nothing', async () => {
    const [line] = fixtureLines('v0.7-exo-pinned-cpu-load.jsonl');
    handler.line(line!);
    clock += INTERVAL_MS;
    handler.line(line!);
    clock += 3 * INTERVAL_MS + 1;
    handler.line(line!);

    assert.equal(await value(metricNames.energyTotal), 35.68 * 5);
  });

  it('a sample without a GPU reading adds no GPU energy on either side of it', async () => {
    const edge = fixtureLines('edge-cases.jsonl');
    const good = fixtureLines('v0.7-exo-pinned-cpu-load.jsonl')[0]!;
    for (const line of [good, edge[0]!, good]) {
      handler.line(line);
      clock += INTERVAL_MS;
    }

    assert.equal(await value(metricNames.energyGpu), 0);
    assert.equal(await value(metricNames.energyTotal), 35.68 * 10);
  });
});

describe('gauges report only fresh samples', () => {
  it('a sample is reported until 3 intervals old, then the series stops', async () => {
    handler.line(fixtureLines('v0.7-exo-pinned-cpu-load.jsonl')[0]!);
    assert.equal(await value(metricNames.powerTotal), 35.68);

    clock += 3 * INTERVAL_MS;
    assert.equal(await value(metricNames.powerTotal), 35.68);

    clock += 1;
    assert.equal(await value(metricNames.powerTotal), undefined);
    assert.equal(await value(metricNames.tempCpu), undefined);
  });

  it('fans carry hw.name; a null max_rpm gives no maximum point', async () => {
    handler.line(fixtureLines('edge-cases.jsonl')[12]!);
    assert.equal(await value(metricNames.fanSpeed, { 'hw.name': 'fan0' }), 1850);
    assert.equal(await value(metricNames.fanMaxSpeed, { 'hw.name': 'fan0' }), undefined);
  });
});

describe('bad lines', () => {
  it('are counted by reason and passed to the rate-limited warn with a clipped copy', async () => {
    handler.line('Error: Failed to get memory stats');
    handler.line('{"all_power":14.05,"ane_po');
    handler.line('[1,2]');
    handler.line('');
    handler.oversized(70_000);

    assert.equal(await value(metricNames.samplesRejected, { reason: 'not_json' }), 2);
    assert.equal(await value(metricNames.samplesRejected, { reason: 'not_an_object' }), 1);
    assert.equal(await value(metricNames.samplesRejected, { reason: 'line_too_long' }), 1);
    assert.equal(warned.length, 4);
    assert.deepEqual(warned[0], { reason: 'not_json', line: 'Error: Failed to get memory stats' });
  });
});
