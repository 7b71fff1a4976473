// Runs the real exporter process (src/main.ts) against the stand-in macmon and an OTLP sink.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OtlpSink } from '@llm-lab/testkit';
import {
  type MacmonStandinOptions,
  macmonStandinEnv,
  macmonStandinPath,
} from '@llm-lab/testkit/macmon';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;
const BUILT_MAIN = new URL('../../dist/main.js', import.meta.url).pathname;

export interface RunningExporter {
  proc: ChildProcess;
  /** Parsed pino lines from the exporter's stdout, in order. */
  logs: Array<Record<string, unknown>>;
  stderr: () => string;
  /** Pids of every stand-in macmon the exporter started. */
  childPids: () => number[];
  waitForLog: (
    match: (log: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ) => Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running, and remove the temp dir. */
  cleanup: () => Promise<void>;
}

export interface StartOptions extends MacmonStandinOptions {
  sink: OtlpSink;
  intervalMs?: number;
  env?: Record<string, string>;
  /** Extra node flags before the entry point (e.g. `--import` a crash trigger). */
  nodeArgs?: string[];
  /** Run the built dist/main.js (needed where TypeScript stripping is unavailable). */
  built?: boolean;
}

export const HOST_NAME = 'mac-studio-test';

export function startExporter(options: StartOptions): RunningExporter {
  const dir = mkdtempSync(join(tmpdir(), 'macmon-exporter-'));
  const pidFile = join(dir, 'pids');
  const env = {
    ...process.env,
    ...macmonStandinEnv({ ...options, pidFile }),
    MACMON_PATH: macmonStandinPath,
    MACMON_INTERVAL_MS: String(options.intervalMs ?? 200),
    MACMON_STARTUP_GRACE_MS: '5000',
    OTEL_EXPORTER_OTLP_ENDPOINT: options.sink.url,
    OTEL_METRIC_EXPORT_INTERVAL: '200',
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    LAB_HOST_NAME: HOST_NAME,
    LAB_ENVIRONMENT: 'test',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const proc = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), options.built ? BUILT_MAIN : MAIN],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );

  const logs: Array<Record<string, unknown>> = [];
  const listeners = new Set<() => void>();
  let partial = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
    }
    for (const listener of listeners) listener();
  });
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal }));
  });

  return {
    proc,
    logs,
    stderr: () => stderr,
    childPids: () => readPids(pidFile),
    waitForLog(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logs.find(match);
          if (found === undefined) return false;
          clearTimeout(timer);
          listeners.delete(onData);
          resolve(found);
          return true;
        };
        const onData = () => void check();
        const timer = setTimeout(() => {
          listeners.delete(onData);
          reject(
            new Error(
              `no matching log within ${timeoutMs} ms; got:\n${logs.map((l) => l.msg).join('\n')}`,
            ),
          );
        }, timeoutMs);
        if (!check()) listeners.add(onData);
      });
    },
    exited,
    async cleanup() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
      for (const pid of readPids(pidFile)) killQuietly(pid);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `check` holds, up to `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function readPids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
