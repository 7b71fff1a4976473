import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { nvidiaSmiPath } from '@llm-lab/testkit/nvidia-smi';

export const mainPath = join(import.meta.dirname, '..', '..', 'src', 'main.ts');

/** The node flags of `pnpm start` (and the Dockerfile), so tests run what production runs. */
export function productionNodeFlags(): string[] {
  const manifest = join(import.meta.dirname, '..', '..', 'package.json');
  const start: string = JSON.parse(readFileSync(manifest, 'utf8')).scripts.start;
  return start.split(' ').filter((word) => word.startsWith('--'));
}

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

export interface ExporterProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[];
  /** Plain stderr/stdout lines that were not JSON. */
  readonly text: string[];
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Sends `signal` and resolves with how the process ended and how long that took. */
  stop(
    signal?: NodeJS.Signals,
  ): Promise<{ code: number | null; signal: string | null; ms: number }>;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
}

/** Starts `src/main.ts` as a real process with the stand-in nvidia-smi and short intervals. */
export function startExporter(env: Record<string, string>, args: string[] = []): ExporterProcess {
  const child = spawn(process.execPath, [...productionNodeFlags(), mainPath, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      NVIDIA_SMI_PATH: nvidiaSmiPath,
      NVIDIA_SMI_INTERVAL_MS: '100',
      OTEL_METRIC_EXPORT_INTERVAL: '200',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      LAB_HOST_NAME: 'gpu-host-1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const text: string[] = [];
  const waiters = new Set<() => void>();

  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        text.push(line);
      }
      for (const wake of waiters) wake();
    });
  }
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });

  return {
    child,
    logs,
    text,
    exited,
    waitForLog(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logs.find(match);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no matching log line within ${timeoutMs} ms; got:\n${logs.map((l) => l.msg).join('\n')}\n${text.join('\n')}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const end = await exited;
      clearTimeout(timer);
      return { ...end, ms: Date.now() - started };
    },
  };
}

/** A scratch folder removed by `dispose()`. */
export function scratchDir(): { path: string; dispose(): void } {
  const path = mkdtempSync(join(tmpdir(), 'nvidia-exporter-test-'));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}

export interface RunLogEntry {
  pid: number;
  ppid: number;
  startedAt: number;
  argv: string[];
}

/** The stand-in's run log: one entry per nvidia-smi start. */
export function readRunLog(path: string): RunLogEntry[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as RunLogEntry);
  } catch {
    return [];
  }
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitUntil(
  check: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
