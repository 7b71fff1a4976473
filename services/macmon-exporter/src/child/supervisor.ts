// Keeps one `macmon pipe` child alive: restarts it with exponential backoff when it exits,
// kills it when it goes silent, and never lets it outlive the exporter.

import { execa, type ResultPromise } from 'execa';
import type { Logger } from '../logger.ts';
import { createBackoff } from './backoff.ts';
import { createLineSplitter } from './line-splitter.ts';

export interface SupervisorOptions {
  command: string;
  args: readonly string[];
  env?: Record<string, string>;
  maxLineBytes: number;
  /** No line for this long: the child is hung; kill and restart it. */
  silenceLimitMs: number;
  /** Extra time before the first line (macmon reads SoC info at start-up, ≈2 s). */
  startupGraceMs: number;
  backoff: { initialMs: number; maxMs: number; resetAfterMs: number };
  logger: Logger;
  onLine: (line: string) => void;
  onOversized: (bytes: number) => void;
  onRestart: (reason: RestartReason) => void;
}

export type RestartReason = 'exit' | 'signal' | 'silent' | 'spawn_error';

export interface Supervisor {
  start: () => void;
  /** Kills the child (SIGTERM, then SIGKILL after `killGraceMs`) and stops restarting. */
  stop: () => Promise<void>;
  /** Synchronous last resort for crash paths: SIGKILL the child now. */
  killNow: () => void;
  readonly pid: number | undefined;
}

const STDERR_KEEP_CHARS = 500;
const KILL_GRACE_MS = 2000;

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { logger } = options;
  const backoff = createBackoff(options.backoff);
  let child: ResultPromise | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopped = true;
  let restartTimer: NodeJS.Timeout | undefined;
  let silenceTimer: NodeJS.Timeout | undefined;
  let killedForSilence = false;

  const spawn = () => {
    restartTimer = undefined;
    killedForSilence = false;
    let firstLineAt: number | undefined;
    let lastStderr = '';

    const splitter = createLineSplitter({
      maxLineBytes: options.maxLineBytes,
      onLine: (line) => {
        firstLineAt ??= Date.now();
        watch(subprocess, options.silenceLimitMs);
        options.onLine(line);
      },
      onOversized: (bytes) => {
        watch(subprocess, options.silenceLimitMs);
        options.onOversized(bytes);
      },
    });

    const subprocess = execa(options.command, options.args, {
      stdin: 'ignore',
      buffer: false,
      reject: false,
      cleanup: true,
      forceKillAfterDelay: KILL_GRACE_MS,
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    child = subprocess;
    subprocess.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
    subprocess.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8').trim();
      const last = text.slice(text.lastIndexOf('\n') + 1).trim();
      if (last !== '') lastStderr = last.slice(0, STDERR_KEEP_CHARS);
    });
    logger.info(
      { command: options.command, args: options.args, pid: subprocess.pid },
      'macmon started',
    );

    watch(subprocess, options.silenceLimitMs + options.startupGraceMs);

    exited = subprocess.then((result) => {
      clearTimeout(silenceTimer);
      splitter.reset();
      if (child === subprocess) child = undefined;
      if (stopped) return;

      const healthyMs = firstLineAt === undefined ? 0 : Date.now() - firstLineAt;
      const delayMs = backoff.next(healthyMs);
      const reason = restartReason(killedForSilence, subprocess.pid, result.signal);
      logger.warn(
        {
          reason,
          exitCode: result.exitCode,
          signal: result.signal,
          lastStderr: lastStderr || result.originalMessage || undefined,
          restartInMs: delayMs,
        },
        'macmon exited; restarting',
      );
      options.onRestart(reason);
      restartTimer = setTimeout(spawn, delayMs);
    });
  };

  // Re-armed on every line; one timer per child, so the cost is one setTimeout per sample.
  const watch = (subprocess: ResultPromise, ms: number) => {
    clearTimeout(silenceTimer);
    silenceTimer = setTimeout(() => onSilent(subprocess), ms);
    silenceTimer.unref();
  };

  const onSilent = (subprocess: ResultPromise) => {
    if (stopped || child !== subprocess) return;
    killedForSilence = true;
    logger.warn(
      { pid: subprocess.pid, silentForMs: options.silenceLimitMs },
      'macmon silent; killing it',
    );
    subprocess.kill('SIGTERM');
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      spawn();
    },
    async stop() {
      stopped = true;
      clearTimeout(restartTimer);
      clearTimeout(silenceTimer);
      child?.kill('SIGTERM');
      await exited;
    },
    killNow() {
      stopped = true;
      clearTimeout(restartTimer);
      clearTimeout(silenceTimer);
      child?.kill('SIGKILL');
    },
    get pid() {
      return child?.pid;
    },
  };
}

function restartReason(
  killedForSilence: boolean,
  pid: number | undefined,
  signal: string | undefined,
): RestartReason {
  if (killedForSilence) return 'silent';
  if (pid === undefined) return 'spawn_error';
  return signal === undefined ? 'exit' : 'signal';
}
