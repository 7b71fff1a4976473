// Which macmon to run: MACMON_PATH if set, else the copy bundled inside EXO.app (the build EXO
// pins and tests), else `macmon` on PATH. Every place tried is kept for the error message.

import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export interface FindMacmonInput {
  macmonPath?: string | undefined;
  home?: string | undefined;
  pathEnv?: string | undefined;
  /** Where apps live; tests point this at a temp dir. */
  applicationDirs?: readonly string[];
}

export type FindMacmonResult =
  | { found: true; path: string; source: 'MACMON_PATH' | 'EXO.app' | 'PATH' }
  | { found: false; looked: string[] };

// EXO's PyInstaller spec copies the macmon it was built with to the bundle root (PyInstaller 6
// puts that under `_internal/`); the app wrapper around it has moved between releases, so known
// spots are tried first and then a bounded walk of the bundle.
const BUNDLE_SPOTS = [
  'Contents/Resources/exo/_internal/macmon',
  'Contents/Resources/exo/macmon',
  'Contents/Resources/macmon',
  'Contents/MacOS/macmon',
  'Contents/Frameworks/macmon',
];
const WALK_MAX_DEPTH = 6;
const WALK_MAX_ENTRIES = 20_000;

export function findMacmon(input: FindMacmonInput): FindMacmonResult {
  const looked: string[] = [];

  if (input.macmonPath !== undefined && input.macmonPath !== '') {
    if (isExecutableFile(input.macmonPath)) {
      return { found: true, path: input.macmonPath, source: 'MACMON_PATH' };
    }
    const resolved = resolve(input.macmonPath);
    const where =
      resolved === input.macmonPath
        ? resolved
        : `${input.macmonPath}, resolved to ${resolved} from ${process.cwd()}`;
    return { found: false, looked: [`MACMON_PATH=${where} (not an executable file)`] };
  }

  const appDirs = input.applicationDirs ?? defaultApplicationDirs(input.home);
  for (const dir of appDirs) {
    const app = join(dir, 'EXO.app');
    const inBundle = findInBundle(app);
    if (inBundle !== undefined) return { found: true, path: inBundle, source: 'EXO.app' };
    looked.push(`${app} (bundled macmon)`);
  }

  for (const dir of (input.pathEnv ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'macmon');
    if (isExecutableFile(candidate)) return { found: true, path: candidate, source: 'PATH' };
  }
  looked.push(`macmon on PATH (${input.pathEnv ?? ''})`);

  return { found: false, looked };
}

export function defaultApplicationDirs(home: string | undefined): string[] {
  return home === undefined ? ['/Applications'] : ['/Applications', join(home, 'Applications')];
}

function findInBundle(app: string): string | undefined {
  if (!isDirectory(app)) return undefined;

  for (const spot of BUNDLE_SPOTS) {
    const candidate = join(app, spot);
    if (isExecutableFile(candidate)) return candidate;
  }
  return walk(join(app, 'Contents'));
}

function walk(root: string): string | undefined {
  let budget = WALK_MAX_ENTRIES;
  const queue: Array<[string, number]> = [[root, 0]];

  while (queue.length > 0 && budget > 0) {
    const [dir, depth] = queue.shift()!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      budget -= 1;
      const full = join(dir, entry.name);
      if (entry.name === 'macmon' && isExecutableFile(full)) return full;
      if (entry.isDirectory() && depth < WALK_MAX_DEPTH) queue.push([full, depth + 1]);
    }
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
