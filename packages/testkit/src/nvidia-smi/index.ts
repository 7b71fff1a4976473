import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StandinControl, StandinFault, StandinTableName } from './options.ts';
import { fixturesDir, standinEnvNames } from './options.ts';

export type { Capture, CaptureTable } from './capture.ts';
export { headerName, headerUnit, loadCapture, splitCsv } from './capture.ts';
export type { StandinControl, StandinFault, StandinTableName } from './options.ts';
export { standinEnvNames, standinFaults } from './options.ts';

/** Absolute path of the executable stand-in `nvidia-smi`. */
export const nvidiaSmiPath = join(import.meta.dirname, '..', '..', 'bin', 'nvidia-smi');

/** Folder holding the real captures (and `samples.json`). */
export const nvidiaSmiFixturesDir = fixturesDir;

/** The capture files, by the GPU they come from. */
export const nvidiaSmiCaptures = {
  h200: 'linux-x86_64__nvidia-h200__590.48.01.txt',
  h100: 'linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01.txt',
  h100Mig: 'linux-x86_64__nvidia-h100-mig__590.48.01.txt',
  rtx4080Super: 'linux-x86_64__nvidia-geforce-rtx-4080-super__595.71.05.txt',
  rtx2080Super: 'linux-x86_64__nvidia-geforce-rtx-2080-super__595.71.05.txt',
} as const;

export interface NvidiaSmiEnvOptions {
  /** A file name in the fixtures folder or an absolute path; default the H200 capture. */
  capture?: string;
  table?: StandinTableName;
  /** A control file (write it with `writeNvidiaSmiControl`) read before every tick. */
  controlFile?: string;
  /** Field names to reject as "not a valid field to query" (an older driver). */
  reject?: string[];
  fault?: StandinFault;
  /** Ticks printed normally before `fault` starts. */
  faultAfter?: number;
  /** Synthetic mode: this many GPUs built from the capture's row. */
  gpus?: number;
  /** Every start appends `{pid, ppid, startedAt, argv}` as a JSON line here. */
  runLog?: string;
  /** `synthetic`: row timestamps advance exactly one loop period per tick. */
  clock?: 'real' | 'synthetic';
}

/** Environment variables that make the stand-in answer as described. */
export function nvidiaSmiEnv(options: NvidiaSmiEnvOptions = {}): Record<string, string> {
  const env: Record<string, string> = {};
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined) {
      env[name] = String(value);
    }
  };

  set(standinEnvNames.capture, options.capture);
  set(standinEnvNames.table, options.table);
  set(standinEnvNames.control, options.controlFile);
  set(standinEnvNames.reject, options.reject?.join(','));
  set(standinEnvNames.fault, options.fault);
  set(standinEnvNames.faultAfter, options.faultAfter);
  set(standinEnvNames.gpus, options.gpus);
  set(standinEnvNames.runLog, options.runLog);
  set(standinEnvNames.clock, options.clock);
  return env;
}

/** Atomically replaces the control file a running stand-in reads before every tick. */
export function writeNvidiaSmiControl(path: string, control: StandinControl): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(control));
  renameSync(temporary, path);
}
