import type { CaptureTable } from './capture.ts';
import { headerName, headerUnit } from './capture.ts';
import { gpuLostToken } from './faults.ts';

export interface FormatOptions {
  header: boolean;
  units: boolean;
}

/** The requested columns, resolved to positions in a capture table. */
export interface Selection {
  /** Header cells to print (canonical name and unit), one per requested field. */
  header: string[];
  columns: number[];
}

/**
 * Resolves requested names (canonical or alias) to table columns.
 * Returns the first field the driver does not know, as nvidia-smi reports only that one.
 */
export function selectColumns(
  table: CaptureTable,
  fieldNames: Map<string, string>,
  requested: string[],
  rejected: Set<string>,
): Selection | { invalid: string } {
  const positions = new Map(table.header.map((cell, i) => [headerName(cell), i]));
  const header: string[] = [];
  const columns: number[] = [];

  for (const name of requested) {
    const canonical = fieldNames.get(name);
    const column = canonical === undefined ? undefined : positions.get(canonical);
    if (canonical === undefined || column === undefined || isRejected(name, canonical, rejected)) {
      return { invalid: name };
    }
    header.push(table.header[column] ?? canonical);
    columns.push(column);
  }
  return { header, columns };
}

/** Renders rows the way `--format=csv[,noheader][,nounits]` does. */
export function renderRows(
  table: CaptureTable,
  selection: Selection,
  format: FormatOptions,
  rowIndexes: number[],
): string {
  const units = selection.header.map(headerUnit);
  const lines = rowIndexes.map((r) => {
    const row = table.rows[r] ?? [];
    return selection.columns
      .map((column, i) => {
        const cell = row[column] ?? '';
        return format.units ? cell : stripUnit(cell, units[i] ?? '');
      })
      .join(', ');
  });
  return `${lines.join('\n')}\n`;
}

/** Builds a table of `count` GPUs from a capture's first row (index, UUID, bus id and power vary). */
export function syntheticTable(table: CaptureTable, count: number): CaptureTable {
  const source = table.rows[0] ?? [];
  const column = (name: string) => table.header.findIndex((cell) => headerName(cell) === name);
  const set = (row: string[], name: string, value: string) => {
    const at = column(name);
    if (at !== -1) {
      row[at] = value;
    }
  };

  const rows = Array.from({ length: count }, (_, i) => {
    const row = [...source];
    const hex = i.toString(16).padStart(8, '0');
    set(row, 'index', String(i));
    set(row, 'count', String(count));
    set(row, 'uuid', `GPU-${hex}-0000-4000-8000-${hex}0000`);
    set(row, 'pci.bus_id', `00000000:${(0x18 + i * 8).toString(16).toUpperCase()}:00.0`);
    const draw = Number.parseFloat(row[column('power.draw')] ?? '');
    if (Number.isFinite(draw)) {
      set(row, 'power.draw', `${(draw + i).toFixed(2)} W`);
    }
    return row;
  });
  return { header: table.header, rows };
}

/** Copy of a table whose row `r` reads `[GPU is lost]` in every cell but `index`. */
export function withLostGpu(table: CaptureTable, r: number): CaptureTable {
  const keep = table.header.findIndex((cell) => headerName(cell) === 'index');
  const rows = table.rows.map((row, i) =>
    i === r ? row.map((cell, c) => (c === keep ? cell : gpuLostToken)) : row,
  );
  return { header: table.header, rows };
}

/** Copy of a table with the `timestamp` cells set. */
export function withTimestamp(table: CaptureTable, timestamp: string): CaptureTable {
  const at = table.header.findIndex((cell) => headerName(cell) === 'timestamp');
  if (at === -1) {
    return table;
  }
  const rows = table.rows.map((row) => row.map((cell, c) => (c === at ? timestamp : cell)));
  return { header: table.header, rows };
}

/** nvidia-smi's own timestamp form: `YYYY/MM/DD HH:MM:SS.mmm`, local time. */
export function formatTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}/${two(date.getMonth() + 1)}/${two(date.getDate())}`;
  const time = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  return `${day} ${time}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

function isRejected(name: string, canonical: string, rejected: Set<string>): boolean {
  return rejected.has(name) || rejected.has(canonical);
}

function stripUnit(cell: string, unit: string): string {
  // nounits removes the unit of numbers only; bracketed tokens such as [N/A] stay as they are.
  if (unit !== '' && cell.endsWith(` ${unit}`)) {
    return cell.slice(0, -unit.length - 1);
  }
  return cell;
}
