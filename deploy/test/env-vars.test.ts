// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are config text with ${…} placeholders
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findEnvReferences } from '../checks/env-vars.ts';
import { findingsOf, useWorkspace } from './helpers/workspace.ts';

const files = [
  'deploy/.env.example',
  'deploy/otelcol/config.yaml',
  'deploy/exo-router/config.yaml',
  'deploy/compose/docker-host.yaml',
  'deploy/litellm/config.yaml',
  'deploy/litellm/.env.example',
];
const workspace = useWorkspace(files);

test('a collector ${env:…} missing from .env.example is reported with its line', async () => {
  await workspace().replace(
    'deploy/otelcol/config.yaml',
    'realm: ${env:SPLUNK_O11Y_REALM}',
    'realm: ${env:SPLUNK_REALM}',
  );

  const [finding] = findingsOf(await workspace().check(), 'env-not-listed');

  assert.equal(finding?.file, 'deploy/otelcol/config.yaml');
  assert.match(finding?.path ?? '', /^line \d+$/);
  assert.match(finding?.problem ?? '', /SPLUNK_REALM, which \.env\.example does not list/);
});

test('a variable removed from .env.example is reported where the configs read it', async () => {
  await workspace().replace(
    'deploy/.env.example',
    /# HEC token[^\n]*\nSPLUNK_HEC_TOKEN=[^\n]*\n/,
    '',
  );

  const findings = findingsOf(await workspace().check(), 'env-not-listed');

  assert.deepEqual(
    findings.map((f) => f.file),
    ['deploy/otelcol/config.yaml', 'deploy/compose/docker-host.yaml'],
  );
});

test('an exo-router ${env:…} missing from .env.example is reported', async () => {
  await workspace().replace(
    'deploy/exo-router/config.yaml',
    '${env:EXO_BASE_URL}',
    '${env:EXO_URL}',
  );

  const report = await workspace().check();
  const listed = report.findings.filter((f) => f.rule === 'env-not-listed');

  assert.equal(listed[0]?.file, 'deploy/exo-router/config.yaml');
  assert.match(listed[0]?.problem ?? '', /EXO_URL/);
});

test('a LiteLLM os.environ/ variable missing from litellm/.env.example is reported', async () => {
  await workspace().replace(
    'deploy/litellm/config.yaml',
    'os.environ/LITELLM_MASTER_KEY',
    'os.environ/LITELLM_KEY',
  );

  const [finding] = findingsOf(await workspace().check(), 'env-not-listed');

  assert.equal(finding?.file, 'deploy/litellm/config.yaml');
  assert.match(finding?.fix ?? '', /litellm\/\.env\.example/);
});

test('a variable in .env.example without a comment is reported', async () => {
  await workspace().replace(
    'deploy/.env.example',
    "# The org's realm, e.g. us0, us1, eu0 (shown on the organization's profile page).\n",
    '',
  );

  const [finding] = findingsOf(await workspace().check(), 'env-not-commented');

  assert.match(finding?.problem ?? '', /SPLUNK_O11Y_REALM has no comment/);
});

test('references skip comment lines, escaped $$ and read defaults', () => {
  const text = '# ${env:IN_COMMENT}\na: $${env:ESCAPED}\nb: ${env:REAL:-x} ${env:OTHER}\n';

  assert.deepEqual(findEnvReferences(text, 'collector'), [
    { name: 'REAL', line: 3 },
    { name: 'OTHER', line: 3 },
  ]);
  assert.deepEqual(
    findEnvReferences('x: ${A:-1} $B $$C ${D?no}', 'compose').map((r) => r.name),
    ['A', 'B', 'D'],
  );
});
