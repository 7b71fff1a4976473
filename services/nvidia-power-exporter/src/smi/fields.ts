/** Which reading a query field becomes, how it is scaled, and what is physically plausible. */
export interface ReadingSpec {
  /** The `--query-gpu` name asked for. */
  field: string;
  /** Key into `metricNames`. */
  metric: GaugeKey;
  /** From the nounits number to the metric's unit. */
  toUnit: (value: number) => number;
  /** Plausible range of the nounits number, inclusive. */
  min: number;
  max: number;
}

export type GaugeKey =
  | 'powerBoard'
  | 'powerInstant'
  | 'powerAverage'
  | 'powerLimit'
  | 'tempCore'
  | 'tempMemory'
  | 'utilization'
  | 'memoryUtilization'
  | 'memoryUsed'
  | 'memoryTotal'
  | 'clockSm'
  | 'clockMemory'
  | 'fanSpeed';

/** Fields that name a GPU; without `index` and `uuid` a row cannot be placed. */
export const identityFields = ['index', 'uuid', 'name', 'pci.bus_id'] as const;
export const requiredFields: readonly string[] = ['index', 'uuid'];

const MIB = 1_048_576;
const same = (value: number) => value;
const percent = (value: number) => value / 100;
const mebibytes = (value: number) => value * MIB;

// Bounds are generous: a board may draw above its limit for a moment, a fan may be asked for
// more than 100 %; they only catch garbage (a wrapped counter, a mis-parsed cell).
export const readingSpecs: readonly ReadingSpec[] = [
  { field: 'power.draw', metric: 'powerBoard', toUnit: same, min: 0, max: 5000 },
  { field: 'power.draw.instant', metric: 'powerInstant', toUnit: same, min: 0, max: 5000 },
  { field: 'power.draw.average', metric: 'powerAverage', toUnit: same, min: 0, max: 5000 },
  { field: 'enforced.power.limit', metric: 'powerLimit', toUnit: same, min: 0, max: 5000 },
  { field: 'temperature.gpu', metric: 'tempCore', toUnit: same, min: -40, max: 200 },
  { field: 'temperature.memory', metric: 'tempMemory', toUnit: same, min: -40, max: 200 },
  { field: 'utilization.gpu', metric: 'utilization', toUnit: percent, min: 0, max: 100 },
  { field: 'utilization.memory', metric: 'memoryUtilization', toUnit: percent, min: 0, max: 100 },
  { field: 'memory.used', metric: 'memoryUsed', toUnit: mebibytes, min: 0, max: 16_777_216 },
  { field: 'memory.total', metric: 'memoryTotal', toUnit: mebibytes, min: 0, max: 16_777_216 },
  { field: 'clocks.sm', metric: 'clockSm', toUnit: same, min: 0, max: 20_000 },
  { field: 'clocks.mem', metric: 'clockMemory', toUnit: same, min: 0, max: 50_000 },
  { field: 'fan.speed', metric: 'fanSpeed', toUnit: percent, min: 0, max: 255 },
];

/** Every field the exporter asks for, in query order. */
export const wantedFields: readonly string[] = [
  ...identityFields,
  'timestamp',
  'mig.mode.current',
  ...readingSpecs.map((spec) => spec.field),
];

export const specByField: ReadonlyMap<string, ReadingSpec> = new Map(
  readingSpecs.map((spec) => [spec.field, spec]),
);
