import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { findingsOf, makeWorkspace, type Workspace } from './helpers/workspace.ts';

const hasShellcheck = (() => {
  try {
    execFileSync('shellcheck', ['--version'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
})();
const skip = !hasShellcheck && 'shellcheck is not installed';

let ws: Workspace;
before(async () => {
  ws = await makeWorkspace();
});
after(() => ws.close());

test('a shell script under deploy/ with an unquoted variable is reported', { skip }, async () => {
  await ws.write('deploy/scripts/bad.sh', '#!/usr/bin/env bash\ndir=$1\nrm -rf $dir/cache\n');

  try {
    const findings = findingsOf(await ws.check({ shellcheck: 'shellcheck' }), 'shellcheck');

    assert.equal(findings[0]?.file, 'deploy/scripts/bad.sh');
    assert.equal(findings[0]?.path, 'line 3, column 8');
    assert.match(findings[0]?.fix ?? '', /SC2086/);
  } finally {
    await rm(ws.file('deploy/scripts'), { recursive: true });
  }
});

test('a clean script passes', { skip }, async () => {
  await ws.write(
    'deploy/scripts/good.sh',
    '#!/usr/bin/env bash\nset -euo pipefail\ndir=$1\nrm -rf "$dir/cache"\n',
  );

  try {
    assert.deepEqual((await ws.check({ shellcheck: 'shellcheck' })).findings, []);
  } finally {
    await rm(ws.file('deploy/scripts'), { recursive: true });
  }
});

test('without shellcheck the lint is skipped and says so', async () => {
  await ws.write('deploy/scripts/any.sh', '#!/bin/sh\necho hi\n');

  try {
    const report = await ws.check({ shellcheck: 'shellcheck-not-installed-here' });

    assert.deepEqual(report.findings, []);
    assert.match(report.skipped[0] ?? '', /shellcheck is not installed/);
  } finally {
    await rm(ws.file('deploy/scripts'), { recursive: true });
  }
});
