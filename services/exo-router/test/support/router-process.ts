import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The built router (dist/main.js) as a child process; built first when dist is missing.

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN = join(packageDir, 'dist', 'main.js');

export interface RouterProcess {
  url: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Sends the signal and resolves with the exit code, killing after timeoutMs. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export function ensureBuilt(): void {
  if (existsSync(MAIN)) return;
  execFileSync(
    process.execPath,
    [
      join(packageDir, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      'tsconfig.build.json',
    ],
    {
      cwd: packageDir,
    },
  );
}

/** Runs dist/main.js with args; resolves with exit code and output (for --help and bad configs). */
export function runToExit(args: string[], env: Record<string, string> = {}) {
  ensureBuilt();
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function startRouterProcess(
  args: string[],
  env: Record<string, string> = {},
): Promise<RouterProcess> {
  ensureBuilt();
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', OTEL_SDK_DISABLED: 'true', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`router did not start:\n${stdout}\n${stderr}`)),
      15_000,
    );
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`router exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });

  return {
    url,
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (child.exitCode !== null) return Promise.resolve(child.exitCode);
      return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
        child.kill(signal);
      });
    },
  };
}
