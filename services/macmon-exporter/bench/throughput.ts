// Parse-and-record throughput: fixture lines through the sample handler into real OTel
// instruments (sdk-metrics MeterProvider), in this process, for a fixed time.

import { readFileSync } from 'node:fs';
import { macmonFixture } from '@llm-lab/testkit/macmon';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { deriveReadings } from '../src/sample/derive-readings.ts';
import { parseLine } from '../src/sample/parse-line.ts';
import { createSampleHandler } from '../src/sample-handler.ts';
import { createInstruments } from '../src/telemetry/instruments.ts';

class Reader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export interface Throughput {
  parseOnlyPerS: number;
  parseAndRecordPerS: number;
}

export async function measureThroughput(durationMs = 2000): Promise<Throughput> {
  const lines = [
    'v0.7-exo-pinned-cpu-load.jsonl',
    'v0.8.0-m1max-64gb.jsonl',
    'v0.8.2-readme-values.jsonl',
  ].map((name) =>
    readFileSync(macmonFixture(name as 'v0.7-exo-pinned-cpu-load.jsonl'), 'utf8').trim(),
  );

  const parseOnlyPerS = loop(durationMs, (i) => {
    const parsed = parseLine(lines[i % lines.length]!);
    if (parsed.kind === 'sample') deriveReadings(parsed.sample);
  });

  const reader = new Reader();
  const provider = new MeterProvider({ readers: [reader] });
  let clock = 0;
  const now = () => clock;
  const handler = createSampleHandler({
    instruments: createInstruments(provider.getMeter('bench'), { freshForMs: 15_000, now }),
    intervalMs: 5000,
    now,
    logger: quiet,
    warnLimited: () => {},
  });
  const parseAndRecordPerS = loop(durationMs, (i) => {
    clock += 5000;
    handler.line(lines[i % lines.length]!);
  });
  await reader.collect();
  await provider.shutdown();

  return { parseOnlyPerS, parseAndRecordPerS };
}

function loop(durationMs: number, body: (i: number) => void): number {
  const start = performance.now();
  let i = 0;
  while (performance.now() - start < durationMs) {
    for (let j = 0; j < 1000; j += 1) body(i++);
  }
  return i / ((performance.now() - start) / 1000);
}
