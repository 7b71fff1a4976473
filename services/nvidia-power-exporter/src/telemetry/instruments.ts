import type { Attributes, Meter } from '@opentelemetry/api';
import type { GpuState } from '../gpu/gpu-store.ts';
import { metricNames } from '../metric-names.ts';
import type { GaugeKey } from '../smi/fields.ts';

/** Counters the exporter reports about itself. */
export interface ExporterCounters {
  rejected(field: string, reason: string): void;
  restarted(reason: string): void;
  rowsParsed(count: number): void;
}

interface GaugeSpec {
  key: GaugeKey;
  unit: string;
  description: string;
}

const gauges: readonly GaugeSpec[] = [
  { key: 'powerBoard', unit: 'W', description: 'Board power draw (nvidia-smi power.draw)' },
  { key: 'powerInstant', unit: 'W', description: 'Instantaneous board power (power.draw.instant)' },
  {
    key: 'powerAverage',
    unit: 'W',
    description: 'Board power averaged over 1 s (power.draw.average)',
  },
  { key: 'powerLimit', unit: 'W', description: 'Enforced power limit' },
  { key: 'tempCore', unit: 'Cel', description: 'GPU core temperature' },
  { key: 'tempMemory', unit: 'Cel', description: 'HBM temperature' },
  { key: 'utilization', unit: '1', description: 'Share of time a kernel was running' },
  {
    key: 'memoryUtilization',
    unit: '1',
    description: 'Share of time device memory was read or written',
  },
  { key: 'memoryUsed', unit: 'By', description: 'Device memory in use' },
  { key: 'memoryTotal', unit: 'By', description: 'Device memory size' },
  { key: 'clockSm', unit: 'MHz', description: 'SM clock' },
  { key: 'clockMemory', unit: 'MHz', description: 'Memory clock' },
  { key: 'fanSpeed', unit: '1', description: 'Intended fan speed (may exceed 1)' },
];

/**
 * Registers every gpu.* instrument. Gauges and the energy counter are observed at export time
 * from `freshGpus()`, so a GPU without a fresh row (or lost) yields no point at all.
 */
export function registerInstruments(meter: Meter, freshGpus: () => GpuState[]): ExporterCounters {
  const observers = gauges.map((spec) => ({
    key: spec.key,
    gauge: meter.createObservableGauge(metricNames[spec.key], {
      unit: spec.unit,
      description: spec.description,
    }),
  }));
  const energy = meter.createObservableCounter(metricNames.energyBoard, {
    unit: 'J',
    description: 'Board energy, integrated from power.draw (trapezoid between rows)',
  });

  meter.addBatchObservableCallback(
    (result) => {
      for (const gpu of freshGpus()) {
        const attributes = gpu.attributes as unknown as Attributes;
        for (const { key, gauge } of observers) {
          const value = gpu.readings.get(key);
          if (value !== undefined) {
            result.observe(gauge, value, attributes);
          }
        }
        if (gpu.hasEnergy) {
          result.observe(energy, gpu.energy.joules, attributes);
        }
      }
    },
    [...observers.map((o) => o.gauge), energy],
  );

  return createCounters(meter);
}

function createCounters(meter: Meter): ExporterCounters {
  const rejected = meter.createCounter(metricNames.samplesRejected, {
    unit: '{sample}',
    description:
      'Readings that gave no point: absent token, malformed or implausible value, lost GPU',
  });
  const restarts = meter.createCounter(metricNames.childRestarts, {
    unit: '{restart}',
    description: 'nvidia-smi child restarts, by failure code',
  });
  const rows = meter.createCounter(metricNames.rowsParsed, {
    unit: '{row}',
    description: 'nvidia-smi rows turned into readings',
  });

  return {
    rejected: (field, reason) => rejected.add(1, { field, reason }),
    restarted: (reason) => restarts.add(1, { reason }),
    rowsParsed: (count) => rows.add(count),
  };
}
