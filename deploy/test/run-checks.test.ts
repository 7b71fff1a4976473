import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { formatFinding } from '../checks/finding.ts';
import { runChecks } from '../checks/run-checks.ts';
import { makeWorkspace, realDeployDir, realRepoRoot, type Workspace } from './helpers/workspace.ts';

const run = promisify(execFile);
const cli = path.join(realDeployDir, 'checks', 'cli.ts');

let ws: Workspace;
before(async () => {
  ws = await makeWorkspace();
});
after(() => ws.close());

test('the real deploy files pass every check against the real services', async () => {
  const report = await runChecks({
    deployDir: realDeployDir,
    servicesDir: path.join(realRepoRoot, 'services'),
  });

  assert.deepEqual(report.findings.map(formatFinding), []);
});

test('the copied deploy files pass with fixture metric names, so the rule tests start clean', async () => {
  const report = await ws.check();

  assert.deepEqual(report.findings.map(formatFinding), []);
});

test('the CLI prints each finding with file, path and fix, and exits 1', async () => {
  await ws.replace('deploy/otelcol/config.yaml', 'check_interval: 1s', 'check_interval: 0s');

  const failure = await run(process.execPath, [cli, ws.root]).then(
    () => assert.fail('the CLI should exit non-zero'),
    (err: { code: number; stderr: string }) => err,
  );

  assert.equal(failure.code, 1);
  assert.match(
    failure.stderr,
    /deploy\/otelcol\/config\.yaml: processors\.memory_limiter\.check_interval: /,
  );
  assert.match(failure.stderr, /fix: set check_interval: 1s/);
  assert.match(failure.stderr, /deploy checks: 1 problem\(s\)/);
});

test('the CLI exits 0 with one line when everything agrees', async () => {
  await ws.replace('deploy/otelcol/config.yaml', 'check_interval: 0s', 'check_interval: 1s');

  const { stdout } = await run(process.execPath, [cli, ws.root]);

  assert.match(stdout, /deploy checks: all deploy files agree/);
});
