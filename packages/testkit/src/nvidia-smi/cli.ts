import { appendFileSync } from 'node:fs';
import { parseArgs } from './args.ts';
import type { CaptureTable } from './capture.ts';
import { headerName, loadCapture } from './capture.ts';
import { exitFaultOf, invalidFieldMessage, xidNoiseLine } from './faults.ts';
import type { StandinFault, StandinOptions, StandinTableName } from './options.ts';
import { readControl, readStandinOptions } from './options.ts';
import type { Selection } from './render.ts';
import {
  formatTimestamp,
  renderRows,
  selectColumns,
  syntheticTable,
  withLostGpu,
  withTimestamp,
} from './render.ts';

// A fixed start for the synthetic clock, so replays give the same timestamps every run.
const SYNTHETIC_EPOCH = new Date(2026, 0, 1, 0, 0, 0, 0).getTime();

run(process.argv.slice(2), readStandinOptions(process.env));

function run(argv: string[], options: StandinOptions): void {
  const args = parseArgs(argv);
  logRun(options, argv);
  // A real nvidia-smi dies of SIGPIPE once its reader is gone; do the same.
  process.stdout.on('error', () => process.exit(141));

  const startFault = currentFault(options, 0);
  const exitFault = exitFaultOf(startFault);
  if (exitFault) {
    finish(exitFault.stdout, exitFault.exitCode);
    return;
  }

  const capture = loadCapture(options.capturePath);
  if (args.command === 'version') {
    finish(`${capture.version}\n`, 0);
  } else if (args.command === 'help-query-gpu') {
    finish(`${capture.helpQueryGpu}\n`, 0);
  } else if (args.command === 'list') {
    finish(`${listGpus(tableOf(capture.tables, options, options.table), capture.listGpus)}\n`, 0);
  } else if (args.command === 'invalid') {
    finish(
      `${args.problem ?? 'Invalid combination of input arguments.'}\nPlease run 'nvidia-smi -h' for help.\n`,
      2,
    );
  } else {
    const base = tableOf(capture.tables, options, options.table);
    const selection = selectColumns(base, capture.fieldNames, args.fields, options.reject);
    if ('invalid' in selection) {
      finish(invalidFieldMessage(selection.invalid), 2);
      return;
    }
    const rows = selectRows(base, args.ids);
    if (rows.length === 0) {
      finish('No devices were found\n', 6);
      return;
    }
    loop({ capture: capture.tables, options, selection, rows, args });
  }
}

interface LoopState {
  capture: { idle: CaptureTable; load: CaptureTable };
  options: StandinOptions;
  selection: Selection;
  rows: number[];
  args: ReturnType<typeof parseArgs>;
}

function loop(state: LoopState): void {
  const { options, args } = state;
  const periodMs = args.loopMs ?? 0;
  const startedAt = Date.now();
  let tick = 0;
  let hanging = false;

  const once = () => {
    const control = readControl(options.controlPath);
    const fault = control.fault ?? currentFault(options, tick);
    const exitFault = exitFaultOf(fault);
    if (exitFault) {
      finish(exitFault.stdout, exitFault.exitCode);
      return;
    }
    if (fault === 'hang') {
      hangForever(hanging);
      hanging = true;
      return;
    }

    const time = options.clock === 'synthetic' ? SYNTHETIC_EPOCH + tick * periodMs : Date.now();
    let table = tableOf(state.capture, options, control.table ?? options.table);
    table = withTimestamp(table, formatTimestamp(new Date(time)));
    if (fault === 'gpu-lost') {
      table = withLostGpu(table, state.rows[0] ?? 0);
    }
    if (fault === 'xid-noise') {
      process.stdout.write(xidNoiseLine(busIdOf(table)));
    }
    const header = tick === 0 && args.format.header ? `${state.selection.header.join(', ')}\n` : '';
    process.stdout.write(header + renderRows(table, state.selection, args.format, state.rows));
    tick += 1;
  };

  once();
  if (args.loopMs === undefined) {
    return;
  }
  const next = () => {
    if (process.exitCode !== undefined) {
      return;
    }
    once();
    // Drift-free schedule: every tick lands on startedAt + n × period.
    setTimeout(next, Math.max(0, startedAt + tick * periodMs - Date.now()) || periodMs);
  };
  setTimeout(next, periodMs);
}

function hangForever(already: boolean): void {
  if (already) {
    return;
  }
  // A wedged nvidia-smi sits in D state and ignores SIGTERM; only SIGKILL ends it.
  process.on('SIGTERM', () => {});
  process.on('SIGINT', () => {});
  // Test hygiene only: a hung stand-in whose parent is gone leaves by itself.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) {
      process.exit(137);
    }
  }, 200);
}

function currentFault(options: StandinOptions, tick: number): StandinFault {
  if (tick < options.faultAfter) {
    return readControl(options.controlPath).fault ?? 'none';
  }
  return readControl(options.controlPath).fault ?? options.fault;
}

function tableOf(
  tables: { idle: CaptureTable; load: CaptureTable },
  options: StandinOptions,
  name: StandinTableName,
): CaptureTable {
  const table = tables[name];
  return options.gpus === undefined ? table : syntheticTable(table, options.gpus);
}

function selectRows(table: CaptureTable, ids: string[] | undefined): number[] {
  const column = (name: string) => table.header.findIndex((cell) => headerName(cell) === name);
  const keys = ['index', 'uuid', 'pci.bus_id'].map(column);
  const all = table.rows.map((_, i) => i);
  if (ids === undefined) {
    return all;
  }
  return all.filter((r) => keys.some((k) => ids.includes(table.rows[r]?.[k] ?? '\0')));
}

function listGpus(table: CaptureTable, captured: string): string {
  if (table.rows.length === 1) {
    return captured;
  }
  const name = table.header.findIndex((cell) => headerName(cell) === 'name');
  const uuid = table.header.findIndex((cell) => headerName(cell) === 'uuid');
  return table.rows.map((row, i) => `GPU ${i}: ${row[name]} (UUID: ${row[uuid]})`).join('\n');
}

function busIdOf(table: CaptureTable): string {
  const at = table.header.findIndex((cell) => headerName(cell) === 'pci.bus_id');
  return table.rows[0]?.[at] ?? '0000:00:00.0';
}

function logRun(options: StandinOptions, argv: string[]): void {
  if (options.runLog !== undefined) {
    const entry = { pid: process.pid, ppid: process.ppid, startedAt: Date.now(), argv };
    appendFileSync(options.runLog, `${JSON.stringify(entry)}\n`);
  }
}

function finish(stdout: string, exitCode: number): void {
  process.exitCode = exitCode;
  process.stdout.write(stdout);
}
