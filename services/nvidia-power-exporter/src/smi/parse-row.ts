import type { GaugeKey } from './fields.ts';
import { specByField } from './fields.ts';

export type RejectReason = 'absent' | 'malformed' | 'implausible';

export interface GpuIdentity {
  index: number;
  uuid: string | undefined;
  name: string | undefined;
  busId: string | undefined;
}

/** One CSV row turned into numbers in the metrics' units. */
export interface GpuRow {
  kind: 'row';
  gpu: GpuIdentity;
  /** nvidia-smi's own query time (ms since epoch, read as local time), when queried and valid. */
  timestampMs: number | undefined;
  migEnabled: boolean;
  readings: Map<GaugeKey, number>;
  rejected: Array<{ field: string; reason: RejectReason }>;
}

/** A row whose cells say the GPU fell off the bus. */
export interface LostRow {
  kind: 'lost';
  index: number | undefined;
  uuid: string | undefined;
}

/** A line that is not a row of the query (XID text, a partial line, a stray message). */
export interface BadLine {
  kind: 'bad';
  reason: string;
}

export const GPU_LOST = '[GPU is lost]';

/**
 * Maps one `--format=csv,noheader,nounits` line by column position onto `fields`.
 * Absence tokens give no reading (never 0, never NaN).
 */
export function parseRow(line: string, fields: readonly string[]): GpuRow | LostRow | BadLine {
  const cells = line.split(',').map((cell) => cell.trim());
  if (cells.length !== fields.length) {
    return { kind: 'bad', reason: `${cells.length} cells where ${fields.length} were asked` };
  }
  const cell = (name: string): string | undefined => {
    const at = fields.indexOf(name);
    return at === -1 ? undefined : cells[at];
  };

  const index = integerOf(cell('index'));
  const uuid = textOf(cell('uuid'));
  if (cells.includes(GPU_LOST)) {
    return { kind: 'lost', index, uuid };
  }
  if (index === undefined || uuid === undefined) {
    return { kind: 'bad', reason: 'no GPU index or UUID in the row' };
  }

  const row: GpuRow = {
    kind: 'row',
    gpu: { index, uuid, name: textOf(cell('name')), busId: textOf(cell('pci.bus_id')) },
    timestampMs: timestampOf(cell('timestamp')),
    migEnabled: cell('mig.mode.current') === 'Enabled',
    readings: new Map(),
    rejected: [],
  };
  fields.forEach((field, i) => {
    readInto(row, field, cells[i] ?? '');
  });
  return row;
}

/** True for every cell nvidia-smi prints instead of a value (`N/A` bare: temperature.memory on GDDR cards). */
export function isAbsenceToken(cell: string): boolean {
  return cell === '' || cell === 'N/A' || cell === 'ERR!' || /^\[.*\]$/.test(cell);
}

/** Reads `YYYY/MM/DD HH:MM:SS.mmm` (local time, no zone) as ms since the epoch. */
export function timestampOf(cell: string | undefined): number | undefined {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(cell ?? '');
  if (!m) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s, ms] = m.map(Number);
  const time = new Date(y!, mo! - 1, d, h, mi, s, Number.isNaN(ms) ? 0 : ms).getTime();
  return Number.isFinite(time) ? time : undefined;
}

function readInto(row: GpuRow, field: string, cell: string): void {
  const spec = specByField.get(field);
  if (spec === undefined) {
    return;
  }
  if (isAbsenceToken(cell)) {
    row.rejected.push({ field, reason: 'absent' });
    return;
  }

  const value = /^-?\d+(?:\.\d+)?$/.test(cell) ? Number(cell) : Number.NaN;
  if (Number.isNaN(value)) {
    row.rejected.push({ field, reason: 'malformed' });
  } else if (value < spec.min || value > spec.max) {
    row.rejected.push({ field, reason: 'implausible' });
  } else {
    row.readings.set(spec.metric, spec.toUnit(value));
  }
}

function integerOf(cell: string | undefined): number | undefined {
  return cell !== undefined && /^\d+$/.test(cell) ? Number(cell) : undefined;
}

function textOf(cell: string | undefined): string | undefined {
  return cell === undefined || isAbsenceToken(cell) ? undefined : cell;
}
