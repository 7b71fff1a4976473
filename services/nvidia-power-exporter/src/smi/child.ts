import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import type { ChildEnd } from './classify.ts';

export interface SmiChildOptions {
  path: string;
  fields: readonly string[];
  intervalMs: number;
  /** GPU indexes or UUIDs for `-i`; undefined: every GPU. */
  gpus: readonly string[] | undefined;
  /** Every line the child prints, stdout and stderr alike. */
  onLine: (line: string) => void;
}

/** One running `nvidia-smi --query-gpu=… -lms <interval>` process. */
export interface SmiChild {
  readonly pid: number | undefined;
  /** Resolves once the process has exited and every line was delivered. */
  readonly ended: Promise<ChildEnd>;
  /** SIGKILL now: a wedged nvidia-smi ignores SIGTERM (microsoft/pai #842, gpu-monitoring-tools #46). */
  kill(): void;
}

export type SpawnSmi = (options: SmiChildOptions) => SmiChild;

export function smiArgs(options: Omit<SmiChildOptions, 'onLine' | 'path'>): string[] {
  const args = [
    `--query-gpu=${options.fields.join(',')}`,
    '--format=csv,noheader,nounits',
    '-lms',
    String(options.intervalMs),
  ];
  if (options.gpus !== undefined && options.gpus.length > 0) {
    args.push('-i', options.gpus.join(','));
  }
  return args;
}

/** Starts the child; `cleanup` makes sure it is killed when this process exits. */
export const spawnSmi: SpawnSmi = (options) => {
  const subprocess = execa(options.path, smiArgs(options), {
    stdin: 'ignore',
    buffer: false,
    reject: false,
    cleanup: true,
    forceKillAfterDelay: 1000,
    // Defensive: keep numbers in the C locale's form, so no decimal comma can split a cell.
    env: { LC_ALL: 'C' },
  });

  const readers = [subprocess.stdout, subprocess.stderr].map((stream) => {
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', options.onLine);
    return once(lines, 'close');
  });

  const ended = Promise.all([subprocess, ...readers]).then(([result]): ChildEnd => {
    const spawnError = (result as { code?: unknown }).code;
    return {
      exitCode: result.exitCode,
      signal: result.signal,
      output: [],
      spawnError: typeof spawnError === 'string' ? spawnError : undefined,
    };
  });

  return {
    pid: subprocess.pid,
    ended,
    kill: () => {
      subprocess.kill('SIGKILL');
    },
  };
};
