import type { GaugeKey } from '../smi/fields.ts';
import type { GpuRow, LostRow } from '../smi/parse-row.ts';
import { EnergyIntegrator } from './energy.ts';

/** The per-GPU attributes every series carries. */
export interface GpuAttributes {
  'gpu.index': number;
  'gpu.uuid': string;
  'gpu.name'?: string;
  'gpu.pci.bus_id'?: string;
}

export interface GpuState {
  attributes: GpuAttributes;
  readings: Map<GaugeKey, number>;
  /** Arrival time of the last row (monotonic ms). */
  seenAtMs: number;
  energy: EnergyIntegrator;
  /** Whether `power.draw` has ever been read, so the energy counter has meaning. */
  hasEnergy: boolean;
  lost: boolean;
  migEnabled: boolean;
}

export type RecordOutcome = 'new' | 'updated' | 'recovered';

/** Latest readings per GPU, keyed by UUID, and which of them are fresh enough to report. */
export class GpuStore {
  readonly #gpus = new Map<string, GpuState>();
  readonly #staleAfterMs: number;

  constructor(intervalMs: number) {
    this.#staleAfterMs = 3 * intervalMs;
  }

  /** Records a row that arrived at `nowMs` (monotonic); `wallMs` stands in for a missing timestamp. */
  record(row: GpuRow, nowMs: number, wallMs: number): RecordOutcome {
    const uuid = row.gpu.uuid ?? `index-${row.gpu.index}`;
    let state = this.#gpus.get(uuid);
    const outcome: RecordOutcome =
      state === undefined ? 'new' : state.lost ? 'recovered' : 'updated';
    if (state === undefined) {
      state = {
        attributes: { 'gpu.index': row.gpu.index, 'gpu.uuid': uuid },
        readings: new Map(),
        seenAtMs: nowMs,
        energy: new EnergyIntegrator(this.#staleAfterMs),
        hasEnergy: false,
        lost: false,
        migEnabled: false,
      };
      this.#gpus.set(uuid, state);
    }

    state.attributes = attributesOf(row, uuid);
    state.readings = row.readings;
    state.seenAtMs = nowMs;
    state.lost = false;
    state.migEnabled = row.migEnabled;
    const watts = row.readings.get('powerBoard');
    if (watts !== undefined) {
      state.energy.add(row.timestampMs ?? wallMs, watts);
      state.hasEnergy = true;
    }
    return outcome;
  }

  /** Marks a GPU lost; returns its state the first time, undefined when already lost or unknown. */
  markLost(row: LostRow): GpuState | undefined {
    const state =
      (row.uuid === undefined ? undefined : this.#gpus.get(row.uuid)) ??
      [...this.#gpus.values()].find((gpu) => gpu.attributes['gpu.index'] === row.index);
    if (state === undefined || state.lost) {
      return undefined;
    }
    state.lost = true;
    state.readings = new Map();
    state.energy.breakChain();
    return state;
  }

  /** GPUs with a row younger than three intervals and not lost. */
  fresh(nowMs: number): GpuState[] {
    return [...this.#gpus.values()].filter(
      (gpu) => !gpu.lost && nowMs - gpu.seenAtMs <= this.#staleAfterMs,
    );
  }

  /** Forgets where each GPU's power chain stood (the reading child was replaced). */
  breakChains(): void {
    for (const gpu of this.#gpus.values()) {
      gpu.energy.breakChain();
    }
  }
}

function attributesOf(row: GpuRow, uuid: string): GpuAttributes {
  const attributes: GpuAttributes = { 'gpu.index': row.gpu.index, 'gpu.uuid': uuid };
  if (row.gpu.name !== undefined) {
    attributes['gpu.name'] = row.gpu.name;
  }
  if (row.gpu.busId !== undefined) {
    attributes['gpu.pci.bus_id'] = row.gpu.busId;
  }
  return attributes;
}
