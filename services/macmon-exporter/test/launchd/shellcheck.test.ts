import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { LAUNCHD_DIR } from './standins.ts';

const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

it('deploy/launchd scripts pass shellcheck', {
  skip: hasShellcheck ? false : 'shellcheck is not installed (apt-get install shellcheck)',
}, () => {
  const scripts = readdirSync(LAUNCHD_DIR).filter((name) => name.endsWith('.sh'));
  assert.ok(scripts.length >= 4);
  const result = spawnSync('shellcheck', ['-x', ...scripts.map((s) => join(LAUNCHD_DIR, s))], {
    cwd: LAUNCHD_DIR,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stdout + result.stderr);
});
