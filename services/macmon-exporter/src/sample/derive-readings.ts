// macmon sample → the readings behind the mac.* metrics (DESIGN.md, metric contract).
// Pure: no clock, no OTel. A reading that is null, mistyped or implausible is left out and
// reported as a problem; it is never turned into 0 or NaN.

import { type Field, firstPresent, numberField, pathField, tupleRatio } from './field.ts';
import type { RawSample } from './parse-line.ts';
import { clampRatio, isBytes, isCelsius, isRatio, isRpm, isWatts } from './plausible.ts';

export type GaugeKey =
  | 'powerTotal'
  | 'powerCpu'
  | 'powerGpu'
  | 'powerAne'
  | 'powerRam'
  | 'powerGpuRam'
  | 'powerSystem'
  | 'tempCpu'
  | 'tempGpu'
  | 'gpuUsage'
  | 'cpuUsage'
  | 'ecpuUsage'
  | 'pcpuUsage'
  | 'ramUsed'
  | 'ramTotal'
  | 'swapUsed'
  | 'swapTotal';

export interface Fan {
  name: string;
  rpm: number | undefined;
  maxRpm: number | undefined;
}

export interface Readings {
  gauges: Partial<Record<GaugeKey, number>>;
  fans: Fan[];
}

export type ProblemReason = 'missing' | 'null' | 'invalid' | 'implausible';

export interface Problem {
  /** The macmon key, e.g. `gpu_power` or `temp.gpu_temp_avg`. */
  field: string;
  reason: ProblemReason;
}

export interface Derived {
  readings: Readings;
  problems: Problem[];
}

export function deriveReadings(sample: RawSample): Derived {
  const gauges: Partial<Record<GaugeKey, number>> = {};
  const problems: Problem[] = [];
  const take = (key: GaugeKey, field: string, found: Field, ok: (v: number) => boolean) => {
    const value = accept(field, found, ok, problems);
    if (value !== undefined) gauges[key] = value;
    return value;
  };

  derivePower(sample, take, problems, gauges);

  take('tempCpu', 'temp.cpu_temp_avg', pathField(sample, ['temp', 'cpu_temp_avg']), isCelsius);
  take('tempGpu', 'temp.gpu_temp_avg', pathField(sample, ['temp', 'gpu_temp_avg']), isCelsius);

  for (const [key, names] of USAGE_SOURCES) {
    const [field, raw] = firstPresent(sample, names);
    const found =
      Array.isArray(raw) || field.endsWith('_usage') ? tupleRatio(raw) : numberField(raw);
    const optional = key === 'cpuUsage' && found.kind === 'absent';
    const value = optional ? undefined : take(key, field, found, isRatio);
    if (value !== undefined) gauges[key] = clampRatio(value);
  }

  deriveMemory(sample, take);

  return { readings: { gauges, fans: deriveFans(sample.fans) }, problems };
}

type Take = (
  key: GaugeKey,
  field: string,
  found: Field,
  ok: (v: number) => boolean,
) => number | undefined;

/** Usage ratios, newest name first: 0.8.1+ `*_scaled_ratio`, 0.8.0 `*_usage_ratio`, then the legacy tuple. */
const USAGE_SOURCES: ReadonlyArray<readonly [GaugeKey, readonly string[]]> = [
  ['ecpuUsage', ['ecpu_scaled_ratio', 'ecpu_usage_ratio', 'ecpu_usage']],
  ['pcpuUsage', ['pcpu_scaled_ratio', 'pcpu_usage_ratio', 'pcpu_usage']],
  ['gpuUsage', ['gpu_scaled_ratio', 'gpu_usage_ratio', 'gpu_usage']],
  // Combined CPU ratio exists from 0.7.0 only (`cpu_usage_pct` is a 0..1 ratio despite its name).
  ['cpuUsage', ['cpu_scaled_ratio', 'cpu_usage_ratio', 'cpu_usage_pct']],
];

const DOMAINS: ReadonlyArray<readonly [GaugeKey, string]> = [
  ['powerCpu', 'cpu_power'],
  ['powerGpu', 'gpu_power'],
  ['powerAne', 'ane_power'],
  ['powerRam', 'ram_power'],
  ['powerGpuRam', 'gpu_ram_power'],
];

// Total is `sys_power` (the whole machine, what EXO shows); when the SMC key could not be read it
// is 0.0, and the total falls back to the sum of the domains. System = total − domains, ≥ 0.
function derivePower(
  sample: RawSample,
  take: Take,
  problems: Problem[],
  gauges: Partial<Record<GaugeKey, number>>,
): void {
  let domainSum = 0;
  for (const [key, field] of DOMAINS) {
    domainSum += take(key, field, numberField(sample[field]), isWatts) ?? 0;
  }

  const sys = accept('sys_power', numberField(sample.sys_power), isWatts, problems);
  if (sys !== undefined && sys > 0) {
    gauges.powerTotal = sys;
    gauges.powerSystem = Math.max(0, sys - domainSum);
    return;
  }

  if (sys === 0) problems.push({ field: 'sys_power', reason: 'implausible' });
  if (gauges.powerCpu !== undefined && gauges.powerGpu !== undefined && domainSum > 0) {
    gauges.powerTotal = domainSum;
  }
}

function deriveMemory(sample: RawSample, take: Take): void {
  const ramTotal = take(
    'ramTotal',
    'memory.ram_total',
    pathField(sample, ['memory', 'ram_total']),
    (v) => isBytes(v) && v > 0,
  );
  const withinRam = (v: number) => isBytes(v) && (ramTotal === undefined || v <= ramTotal);
  take('ramUsed', 'memory.ram_usage', pathField(sample, ['memory', 'ram_usage']), withinRam);

  const swapTotal = take(
    'swapTotal',
    'memory.swap_total',
    pathField(sample, ['memory', 'swap_total']),
    isBytes,
  );
  const withinSwap = (v: number) => isBytes(v) && (swapTotal === undefined || v <= swapTotal);
  take('swapUsed', 'memory.swap_usage', pathField(sample, ['memory', 'swap_usage']), withinSwap);
}

// `fans` exists from 0.8.0; `[]` on fanless Macs; `max_rpm` may be null.
function deriveFans(raw: unknown): Fan[] {
  if (!Array.isArray(raw)) return [];

  const fans: Fan[] = [];
  raw.forEach((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null) return;
    const fan = entry as Record<string, unknown>;
    const name = typeof fan.name === 'string' && fan.name !== '' ? fan.name : `fan${index}`;
    fans.push({ name, rpm: rpmOf(fan.rpm), maxRpm: rpmOf(fan.max_rpm) });
  });
  return fans;
}

function rpmOf(raw: unknown): number | undefined {
  const found = numberField(raw);
  return found.kind === 'value' && isRpm(found.value) ? found.value : undefined;
}

function accept(
  field: string,
  found: Field,
  ok: (value: number) => boolean,
  problems: Problem[],
): number | undefined {
  if (found.kind === 'value') {
    if (ok(found.value)) return found.value;
    problems.push({ field, reason: 'implausible' });
    return undefined;
  }
  problems.push({ field, reason: found.kind === 'absent' ? 'missing' : found.kind });
  return undefined;
}
