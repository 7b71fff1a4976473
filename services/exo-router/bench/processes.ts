import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Child processes for the benchmark: the EXO simulator, the OTLP sink and two routers, each
// on 127.0.0.1 with its own event loop, so that no component measures another's work.

const here = dirname(fileURLToPath(import.meta.url));
const testkit = join(here, '..', '..', '..', 'packages', 'testkit', 'src');
export const routerMain = join(here, '..', 'dist', 'main.js');

// Every child still running; killed on any exit of the benchmark (normal end, a throw, a
// signal), so that no router or simulator outlives it with parent pid 1.
const running = new Set<ChildProcess>();
let exitHooked = false;

export interface Child {
  url: string;
  /** CPU seconds (user + system) the process has used so far, from /proc (Linux). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export function startSimulator(args: string[]): Promise<Child> {
  return startChild([join(testkit, 'exo-sim', 'cli.ts'), ...args], {}, /"url":"([^"]+)"/);
}

export function startSink(): Promise<Child> {
  return startChild([join(testkit, 'otlp-sink', 'cli.ts'), '--port', '0'], {}, /"url":"([^"]+)"/);
}

export function startRouter(configPath: string, env: Record<string, string>): Promise<Child> {
  // Info level: the address comes from the start-up line; requests themselves log nothing.
  return startChild(
    [routerMain, '--config', configPath],
    { LOG_LEVEL: 'info', ...env },
    /"address":"([^"]+)"/,
  );
}

export function writeRouterConfig(path: string, simUrl: string): void {
  const yaml = [
    `exo:\n  baseUrl: ${simUrl}`,
    'listen:\n  port: 0',
    'defaults:\n  maxQueue: 1000',
    'models:\n  llama-1b:\n    exoModelId: mlx-community/Llama-3.2-1B-Instruct-4bit',
    'limits:\n  maxEventLoopDelay: 30s',
  ];
  writeFileSync(path, `${yaml.join('\n')}\n`);
}

function startChild(args: string[], env: Record<string, string>, ready: RegExp): Promise<Child> {
  hookExit();
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no start line from ${args[0]}: ${out}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (!match?.[1]) return;
      clearTimeout(timer);
      // Keep draining stdout so the child never blocks on a full pipe.
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      resolve({
        url: match[1],
        cpuSeconds: () => cpuSecondsOf(child.pid),
        stop: () => stopChild(child),
      });
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}: ${out}`)));
  });
}

// Fields 14 and 15 of /proc/<pid>/stat: utime and stime in clock ticks (100 per second).
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Kills every child on the way out, whatever the way out is. */
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;

  // 'exit' runs synchronously on process.exit(), a normal end and an uncaught throw.
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
