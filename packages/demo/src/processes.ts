import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Resolve once a stdout line satisfies this (e.g. the JSON line with a URL). */
  readyWhen?: (line: string) => boolean;
  readyTimeoutMs?: number;
}

export interface Managed {
  name: string;
  child: ChildProcess;
  readyLine: string | undefined;
}

/**
 * Starts and owns the lab's child processes: each one's output goes to `<logDir>/<name>.log`,
 * and stopAll() ends every one of them (SIGTERM, then SIGKILL after a grace period).
 */
export class ProcessGroup {
  readonly #logDir: string;
  readonly #running = new Map<string, Managed>();
  readonly #logs: WriteStream[] = [];

  constructor(logDir: string) {
    this.#logDir = logDir;
    // Whatever ends this process (a crash included), no child outlives it.
    process.once('exit', () => {
      for (const { child } of this.#running.values()) child.kill('SIGTERM');
    });
  }

  get pids(): number[] {
    return [...this.#running.values()]
      .map((m) => m.child.pid)
      .filter((pid): pid is number => pid !== undefined);
  }

  async start(options: StartOptions): Promise<Managed> {
    const log = createWriteStream(join(this.#logDir, `${options.name}.log`));
    this.#logs.push(log);
    const child = spawn(options.command, options.args, {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const managed: Managed = { name: options.name, child, readyLine: undefined };
    this.#running.set(options.name, managed);
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('exit', () => this.#running.delete(options.name));

    if (options.readyWhen) managed.readyLine = await this.#waitReady(options, child);
    return managed;
  }

  async stopAll(graceMs = 5_000): Promise<void> {
    const children = [...this.#running.values()].map((m) => m.child);
    await Promise.all(children.map((child) => stop(child, graceMs)));
    for (const log of this.#logs) log.end();
  }

  #waitReady(options: StartOptions, child: ChildProcess): Promise<string> {
    const timeoutMs = options.readyTimeoutMs ?? 20_000;
    return new Promise((resolve, reject) => {
      let buffer = '';
      const onData = (data: Buffer) => {
        buffer += data.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        const line = lines.find((l) => options.readyWhen?.(l));
        if (line !== undefined) finish(() => resolve(line));
      };
      const onExit = (code: number | null) =>
        finish(() =>
          reject(
            new Error(
              `${options.name} exited with ${code} before it was ready; see ${options.name}.log`,
            ),
          ),
        );
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new Error(
                `${options.name} was not ready within ${timeoutMs} ms; see ${options.name}.log`,
              ),
            ),
          ),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        settle();
      };
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
    });
  }
}

async function stop(child: ChildProcess, graceMs: number) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
