import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** Faults the stand-in can play; see `faults.ts` for what each prints. */
export const standinFaults = [
  'none',
  'driver-not-loaded',
  'nvml-missing',
  'version-mismatch',
  'unknown-error',
  'hang',
  'gpu-lost',
  'xid-noise',
] as const;

export type StandinFault = (typeof standinFaults)[number];
export type StandinTableName = 'idle' | 'load';

/** Environment variables the stand-in reads (set them with `nvidiaSmiEnv()`). */
export const standinEnvNames = {
  capture: 'NVSMI_STANDIN_CAPTURE',
  table: 'NVSMI_STANDIN_TABLE',
  control: 'NVSMI_STANDIN_CONTROL',
  reject: 'NVSMI_STANDIN_REJECT',
  fault: 'NVSMI_STANDIN_FAULT',
  faultAfter: 'NVSMI_STANDIN_FAULT_AFTER',
  gpus: 'NVSMI_STANDIN_GPUS',
  runLog: 'NVSMI_STANDIN_RUN_LOG',
  clock: 'NVSMI_STANDIN_CLOCK',
} as const;

export interface StandinOptions {
  capturePath: string;
  table: StandinTableName;
  controlPath: string | undefined;
  /** Field names this "driver" does not know (the old-driver case). */
  reject: Set<string>;
  fault: StandinFault;
  /** Ticks printed before `fault` starts. */
  faultAfter: number;
  /** Synthetic mode: N GPUs built from the capture's single row. */
  gpus: number | undefined;
  runLog: string | undefined;
  /** `synthetic`: timestamps advance by exactly one interval per tick from a fixed start. */
  clock: 'real' | 'synthetic';
}

/** What a control file may hold; read before every tick. */
export interface StandinControl {
  table?: StandinTableName;
  fault?: StandinFault;
}

export const fixturesDir = join(import.meta.dirname, '..', '..', 'fixtures', 'nvidia-smi');
export const defaultCapture = 'linux-x86_64__nvidia-h200__590.48.01.txt';

export function readStandinOptions(env: NodeJS.ProcessEnv): StandinOptions {
  const capture = env[standinEnvNames.capture] || defaultCapture;
  const gpus = Number(env[standinEnvNames.gpus]);

  return {
    capturePath: isAbsolute(capture) ? capture : join(fixturesDir, capture),
    table: env[standinEnvNames.table] === 'load' ? 'load' : 'idle',
    controlPath: env[standinEnvNames.control] || undefined,
    reject: new Set(listOf(env[standinEnvNames.reject])),
    fault: faultOf(env[standinEnvNames.fault]),
    faultAfter: Math.max(0, Number(env[standinEnvNames.faultAfter]) || 0),
    gpus: Number.isInteger(gpus) && gpus > 0 ? gpus : undefined,
    runLog: env[standinEnvNames.runLog] || undefined,
    clock: env[standinEnvNames.clock] === 'synthetic' ? 'synthetic' : 'real',
  };
}

/** Reads the control file; a missing or half-written file changes nothing. */
export function readControl(path: string | undefined): StandinControl {
  if (path === undefined) {
    return {};
  }
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as StandinControl;
    return {
      table: parsed.table === 'load' || parsed.table === 'idle' ? parsed.table : undefined,
      fault: parsed.fault === undefined ? undefined : faultOf(parsed.fault),
    };
  } catch {
    return {};
  }
}

function faultOf(value: string | undefined): StandinFault {
  return standinFaults.find((f) => f === value) ?? 'none';
}

function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
