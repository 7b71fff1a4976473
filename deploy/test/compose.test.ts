import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, afterEach, before, test } from 'node:test';
import { checkComposeSchema } from '../checks/compose.ts';
import { findingsOf, makeWorkspace, type Workspace } from './helpers/workspace.ts';

const compose = 'deploy/compose/docker-host.yaml';
const hasDockerCompose = (() => {
  try {
    execFileSync('docker-compose', ['version'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
})();

let ws: Workspace;
let original: string;
before(async () => {
  ws = await makeWorkspace();
  original = await ws.read(compose);
});
afterEach(() => ws.write(compose, original));
after(() => ws.close());

test('a key the compose spec does not define is reported by the schema check', async () => {
  await ws.replace(
    compose,
    '    restart: unless-stopped\n',
    '    restart_policy: unless-stopped\n',
  );

  const findings = findingsOf(await ws.check(), 'compose-schema');

  assert.equal(findings[0]?.path, 'services.otelcol');
  assert.match(findings[0]?.problem ?? '', /must NOT have additional properties.*restart_policy/);
});

test('a healthcheck test that YAML reads as a mapping is reported', async () => {
  await ws.replace(
    compose,
    `"fetch('http://127.0.0.1:8767/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"`,
    `fetch(r.ok ? 0 : 1)`,
  );

  const findings = findingsOf(await ws.check(), 'compose-schema');

  assert.ok(findings.some((f) => f.path === 'services.exo-router.healthcheck.test.3'));
});

test('a bind mount whose source file is gone is reported', async () => {
  await ws.replace(
    compose,
    '../litellm/config.yaml:/app/config.yaml:ro',
    '../litellm/proxy.yaml:/app/config.yaml:ro',
  );

  const [finding] = findingsOf(await ws.check(), 'compose-mount-missing');

  assert.equal(finding?.path, 'services.litellm.volumes[0]');
  assert.match(finding?.problem ?? '', /"\.\.\/litellm\/proxy\.yaml" does not exist/);
});

test('a Dockerfile path that does not exist is reported', async () => {
  await ws.replace(
    compose,
    'dockerfile: services/exo-router/Dockerfile',
    'dockerfile: services/exo-router/Containerfile',
  );

  const [finding] = findingsOf(await ws.check(), 'compose-mount-missing');

  assert.equal(finding?.path, 'services.exo-router.build.dockerfile');
});

test('docker-compose config passes on the real file', {
  skip: !hasDockerCompose && 'docker-compose is not installed',
}, async () => {
  const report = await ws.check({ dockerCompose: 'docker-compose' });

  assert.deepEqual(report.findings, []);
  assert.deepEqual(report.skipped, []);
});

test('docker-compose config failures are reported', {
  skip: !hasDockerCompose && 'docker-compose is not installed',
}, async () => {
  await ws.replace(compose, '      retries: 3\n', '      retries: three\n');

  const report = await ws.check({ dockerCompose: 'docker-compose' });
  const tool = report.findings.filter((f) => f.rule === 'compose-config');

  assert.equal(tool.length, 1);
  assert.match(tool[0]?.problem ?? '', /docker-compose config rejects the file/);
});

test('without docker-compose the tool check is skipped and says so', async () => {
  const report = await ws.check({ dockerCompose: 'docker-compose-not-installed-here' });

  assert.deepEqual(report.findings, []);
  assert.match(
    report.skipped[0] ?? '',
    /docker-compose is not installed; deploy\/compose\/docker-host\.yaml was checked by schema only/,
  );
});

test('the schema accepts a minimal service and rejects a bad restart value type', async () => {
  assert.deepEqual(await checkComposeSchema({ services: { a: { image: 'x' } } }, 'f'), []);
  const findings = await checkComposeSchema({ services: { a: { image: 'x', restart: 5 } } }, 'f');
  assert.equal(findings[0]?.path, 'services.a.restart');
});
