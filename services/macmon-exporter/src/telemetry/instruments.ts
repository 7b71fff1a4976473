// The OTel side: gauges that report only a fresh sample, energy counters, and the exporter's own
// health counters. Readings arrive already derived (src/sample); nothing here parses.

import type { BatchObservableResult, Meter } from '@opentelemetry/api';
import { metricNames } from '../metric-names.ts';
import type { GaugeKey, Readings } from '../sample/derive-readings.ts';

export interface Instruments {
  recordSample: (readings: Readings, atMs: number) => void;
  addEnergy: (totalJoules: number, gpuJoules: number) => void;
  countRejected: (reason: string, field?: string) => void;
  countRestart: (reason: string) => void;
}

export interface InstrumentOptions {
  /** A sample older than this is not reported (DESIGN: 3 intervals). */
  freshForMs: number;
  now: () => number;
}

const GAUGES: ReadonlyArray<readonly [GaugeKey, string, string]> = [
  ['powerTotal', 'W', 'Whole-machine power (macmon sys_power, else the sum of the domains)'],
  ['powerCpu', 'W', 'CPU clusters power'],
  ['powerGpu', 'W', 'GPU power'],
  ['powerAne', 'W', 'Neural Engine power'],
  ['powerRam', 'W', 'DRAM power'],
  ['powerGpuRam', 'W', 'GPU SRAM power'],
  ['powerSystem', 'W', 'Rest of the board: total minus the measured domains, at least 0'],
  ['tempCpu', 'Cel', 'Mean CPU die temperature'],
  ['tempGpu', 'Cel', 'Mean GPU die temperature'],
  ['gpuUsage', '1', 'GPU busy ratio, frequency-scaled'],
  ['cpuUsage', '1', 'All CPU clusters busy ratio, frequency-scaled'],
  ['ecpuUsage', '1', 'Efficiency cluster busy ratio, frequency-scaled'],
  ['pcpuUsage', '1', 'Performance cluster busy ratio, frequency-scaled'],
  ['ramUsed', 'By', 'RAM in use'],
  ['ramTotal', 'By', 'Installed RAM'],
  ['swapUsed', 'By', 'Swap in use'],
  ['swapTotal', 'By', 'Swap size'],
];

export function createInstruments(meter: Meter, options: InstrumentOptions): Instruments {
  const { freshForMs, now } = options;
  let latest: { readings: Readings; atMs: number } | undefined;

  const gauges = GAUGES.map(
    ([key, unit, description]) =>
      [key, meter.createObservableGauge(metricNames[key], { unit, description })] as const,
  );
  const fanSpeed = meter.createObservableGauge(metricNames.fanSpeed, {
    unit: 'rpm',
    description: 'Fan speed (attribute hw.name is the fan)',
  });
  const fanMax = meter.createObservableGauge(metricNames.fanMaxSpeed, {
    unit: 'rpm',
    description: 'Fan maximum speed, where macmon knows it',
  });
  const observables = [...gauges.map(([, gauge]) => gauge), fanSpeed, fanMax];

  const observe = (result: BatchObservableResult) => {
    if (latest === undefined || now() - latest.atMs > freshForMs) return;

    const { gauges: values, fans } = latest.readings;
    for (const [key, gauge] of gauges) {
      const value = values[key];
      if (value !== undefined) result.observe(gauge, value);
    }
    for (const fan of fans) {
      const attributes = { 'hw.name': fan.name };
      if (fan.rpm !== undefined) result.observe(fanSpeed, fan.rpm, attributes);
      if (fan.maxRpm !== undefined) result.observe(fanMax, fan.maxRpm, attributes);
    }
  };
  meter.addBatchObservableCallback(observe, observables);

  const energyTotal = meter.createCounter(metricNames.energyTotal, {
    unit: 'J',
    description: 'Whole-machine energy, trapezoid-integrated from mac.power.total',
  });
  const energyGpu = meter.createCounter(metricNames.energyGpu, {
    unit: 'J',
    description: 'GPU energy, trapezoid-integrated from mac.power.gpu',
  });
  const rejected = meter.createCounter(metricNames.samplesRejected, {
    unit: '{sample}',
    description: 'macmon lines or readings dropped (attribute reason; field for a single reading)',
  });
  const restarts = meter.createCounter(metricNames.childRestarts, {
    unit: '{restart}',
    description: 'macmon child restarts (attribute reason: exit, signal, silent, spawn_error)',
  });

  return {
    recordSample(readings, atMs) {
      latest = { readings, atMs };
    },
    addEnergy(totalJoules, gpuJoules) {
      energyTotal.add(totalJoules);
      energyGpu.add(gpuJoules);
    },
    countRejected(reason, field) {
      rejected.add(1, field === undefined ? { reason } : { reason, field });
    },
    countRestart(reason) {
      restarts.add(1, { reason });
    },
  };
}
