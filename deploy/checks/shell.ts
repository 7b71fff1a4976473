import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Finding } from './finding.ts';

const run = promisify(execFile);

/**
 * Runs shellcheck over every `*.sh` under the deploy folder; undefined when shellcheck is not
 * installed, so callers can report the check as skipped rather than passed.
 */
export async function checkShellScripts(
  deployDir: string,
  label: (file: string) => string,
  binary = 'shellcheck',
): Promise<Finding[] | undefined> {
  const entries = await readdir(deployDir, { recursive: true, withFileTypes: true });
  const scripts = entries
    .filter((e) => e.isFile() && e.name.endsWith('.sh'))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => !file.split(path.sep).includes('node_modules'))
    .sort();
  if (scripts.length === 0) return [];

  try {
    await run(binary, ['--format=gcc', ...scripts], { timeout: 60_000 });
    return [];
  } catch (err) {
    const failure = err as NodeJS.ErrnoException & { stdout?: string };
    if (failure.code === 'ENOENT') return undefined;
    return parseGcc(failure.stdout ?? '', label);
  }
}

/** `file:line:col: severity: message [SCxxxx]` lines → findings. */
function parseGcc(output: string, label: (file: string) => string): Finding[] {
  const findings: Finding[] = [];
  for (const line of output.split('\n')) {
    const match = /^(.+?):(\d+):(\d+): (\w+): (.*)$/.exec(line);
    if (match === null) continue;
    const [, file = '', row, col, severity, message = ''] = match;
    const code = /\[(SC\d+)\]/.exec(message)?.[1];
    findings.push({
      rule: 'shellcheck',
      file: label(file),
      path: `line ${row}, column ${col}`,
      problem: `shellcheck ${severity}: ${message}`,
      fix:
        code === undefined
          ? 'fix what shellcheck names'
          : `see https://www.shellcheck.net/wiki/${code}, or add "# shellcheck disable=${code}" with the reason`,
    });
  }
  return findings;
}
