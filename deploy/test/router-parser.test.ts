import assert from 'node:assert/strict';
import { rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { findingsOf, makeWorkspace, realRepoRoot, type Workspace } from './helpers/workspace.ts';

const config = 'deploy/exo-router/config.yaml';
let ws: Workspace;
let original: string;
before(async () => {
  ws = await makeWorkspace();
  original = await ws.read(config);
});
afterEach(() => ws.write(config, original));
after(() => ws.close());

test("a router config exo-router's own parser rejects is reported with the router's path", async () => {
  await ws.replace(config, 'sharding: Pipeline', 'sharding: Diagonal');

  const [finding] = findingsOf(await ws.check(), 'router-config-invalid');

  assert.equal(finding?.file, 'deploy/exo-router/config.yaml');
  assert.equal(finding?.path, 'defaults.sharding');
  assert.match(finding?.problem ?? '', /expected Pipeline or Tensor/);
});

test('an alias used by two models is reported', async () => {
  await ws.replace(config, 'aliases: [qwen3-moe]', 'aliases: [llama-small]');

  const findings = findingsOf(await ws.check(), 'router-config-invalid');

  assert.ok(
    findings.some((f) => f.problem.includes('llama-small') || f.path.includes('llama-small')),
    JSON.stringify(findings),
  );
});

test("without exo-router's config module the check fails with a clear missing message", async () => {
  const link = path.join(ws.servicesDir, 'exo-router', 'src', 'config.ts');
  await rm(link);

  try {
    const [finding] = findingsOf(await ws.check(), 'router-config-invalid');

    assert.equal(
      finding?.problem,
      'services/exo-router/src/config.ts is missing, so this file cannot be checked against the router',
    );
  } finally {
    await symlink(path.join(realRepoRoot, 'services', 'exo-router', 'src', 'config.ts'), link);
  }
});
