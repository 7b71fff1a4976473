// A temp HOME with stand-in `launchctl`, `codesign`, `curl` and `node` on PATH, recording every call.

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LAUNCHD_DIR = new URL('../../../../deploy/launchd/', import.meta.url).pathname;
export const LABEL = 'lab.llm.macmon-exporter';

const LAUNCHCTL = `#!/usr/bin/env bash
echo "launchctl $*" >> "$STANDIN_LOG"
case "$1" in
  print) if [ -f "$STANDIN_STATE/loaded" ]; then echo "state = running"; exit 0; fi; exit 113 ;;
  bootout) rm -f "$STANDIN_STATE/loaded" ;;
  bootstrap) touch "$STANDIN_STATE/loaded" ;;
esac
`;

// Keeps a binary's "signature" in a file beside it.
const CODESIGN = `#!/usr/bin/env bash
echo "codesign $*" >> "$STANDIN_LOG"
file="\${!#}"
if [ "$1" = "-dv" ]; then
  if [ -f "$file.signature" ]; then cat "$file.signature" >&2; exit 0; fi
  echo "$file: code object is not signed at all" >&2
  exit 1
fi
if [ "$1" = "--force" ]; then
  printf 'Executable=%s\\nIdentifier=node\\nSignature=adhoc\\n' "$file" > "$file.signature"
fi
`;

const CURL = `#!/usr/bin/env bash
echo "curl: (7) Failed to connect to 192.168.1.20 port 4318 after 2 ms: No route to host" >&2
printf '000'
exit 7
`;

export interface Sandbox {
  root: string;
  home: string;
  node: string;
  plist: string;
  run: (
    script: string,
    args?: string[],
    env?: Record<string, string>,
  ) => { status: number | null; stdout: string; stderr: string };
  calls: () => string[];
  /** Marks `binary` as signed the way `codesign -dv` would describe it. */
  sign: (binary: string, description: string) => void;
  setLoaded: () => void;
  cleanup: () => void;
}

export function createSandbox(nodePath = 'bin/node'): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'launchd-'));
  const home = join(root, 'home');
  const bin = join(root, 'bin');
  const state = join(root, 'state');
  const log = join(root, 'calls.log');
  for (const dir of [home, bin, state]) mkdirSync(dir, { recursive: true });

  const write = (path: string, text: string) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    chmodSync(path, 0o755);
  };
  write(join(bin, 'launchctl'), LAUNCHCTL);
  write(join(bin, 'codesign'), CODESIGN);
  write(join(bin, 'curl'), CURL);
  const node = join(root, nodePath);
  write(node, '#!/bin/sh\necho v24.22.0\n');

  return {
    root,
    home,
    node,
    plist: join(home, 'Library', 'LaunchAgents', `${LABEL}.plist`),
    run(script, args = [], env = {}) {
      const result = spawnSync('bash', [join(LAUNCHD_DIR, script), ...args], {
        env: {
          HOME: home,
          PATH: `${bin}:/usr/bin:/bin`,
          NODE_BIN: node,
          STANDIN_LOG: log,
          STANDIN_STATE: state,
          ...env,
        },
        encoding: 'utf8',
        timeout: 20_000,
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    sign(binary, description) {
      writeFileSync(`${binary}.signature`, description);
    },
    setLoaded: () => writeFileSync(join(state, 'loaded'), ''),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
