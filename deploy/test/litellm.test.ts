import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, useWorkspace } from './helpers/workspace.ts';

const files = [
  'deploy/litellm/config.yaml',
  'deploy/litellm/.env.example',
  'deploy/compose/docker-host.yaml',
  'deploy/exo-router/config.yaml',
];
const workspace = useWorkspace(files);

test('the metrics flag missing from the compose service is reported', async () => {
  await workspace().replace(
    'deploy/compose/docker-host.yaml',
    '      LITELLM_OTEL_INTEGRATION_ENABLE_METRICS: "true"\n',
    '',
  );

  const [finding] = findingsOf(await workspace().check(), 'litellm-metrics-flag');

  assert.equal(finding?.file, 'deploy/compose/docker-host.yaml (services.litellm.environment)');
  assert.match(finding?.problem ?? '', /traces but no gen_ai\.\* metrics/);
  assert.equal(finding?.fix, 'set LITELLM_OTEL_INTEGRATION_ENABLE_METRICS=true');
});

test('the metrics flag set to false in the env example is reported', async () => {
  await workspace().replace(
    'deploy/litellm/.env.example',
    'LITELLM_OTEL_INTEGRATION_ENABLE_METRICS=true',
    'LITELLM_OTEL_INTEGRATION_ENABLE_METRICS=false',
  );

  const [finding] = findingsOf(await workspace().check(), 'litellm-metrics-flag');

  assert.equal(finding?.file, 'deploy/litellm/.env.example');
});

test('the otel callback or traceparent forwarding switched off is reported', async () => {
  await workspace().replace('deploy/litellm/config.yaml', 'callbacks: ["otel"]', 'callbacks: []');
  await workspace().replace(
    'deploy/litellm/config.yaml',
    'forward_traceparent_to_llm_provider: true',
    'forward_traceparent_to_llm_provider: false',
  );

  const findings = findingsOf(await workspace().check(), 'litellm-metrics-flag');

  assert.deepEqual(
    findings.map((f) => f.path),
    ['litellm_settings.callbacks', 'litellm_settings.forward_traceparent_to_llm_provider'],
  );
});

test('a LiteLLM model sent to exo-router that the router does not define is reported', async () => {
  await workspace().replace(
    'deploy/litellm/config.yaml',
    'model: openai/qwen3-30b-a3b',
    'model: openai/qwen3-32b',
  );

  const [finding] = findingsOf(await workspace().check(), 'litellm-unknown-router-model');

  assert.equal(finding?.path, 'model_list[1].litellm_params.model');
  assert.match(finding?.problem ?? '', /defines no model, alias or upstream pattern "qwen3-32b"/);
});

test('a model removed from the router config is reported on the LiteLLM side', async () => {
  await workspace().editYaml('deploy/exo-router/config.yaml', (doc) => {
    doc.deleteIn(['models', 'llama-3.2-1b']);
  });

  const [finding] = findingsOf(await workspace().check(), 'litellm-unknown-router-model');

  assert.match(finding?.problem ?? '', /"llama-3\.2-1b"/);
});

test('router aliases and upstream globs count as defined', async () => {
  await workspace().replace(
    'deploy/litellm/config.yaml',
    'model: openai/llama-3.2-1b',
    'model: openai/llama-small',
  );
  await workspace().replace(
    'deploy/litellm/config.yaml',
    'model: openai/gpt-oss-120b',
    'model: openai/gpt-oss-20b',
  );

  const report = await workspace().check();

  assert.deepEqual(report.findings, []);
});

test('a stream_timeout not longer than the router load timeout is reported', async () => {
  await workspace().replace(
    'deploy/litellm/config.yaml',
    'stream_timeout: 1560',
    'stream_timeout: 600',
  );

  const [finding] = findingsOf(await workspace().check(), 'litellm-stream-timeout');

  assert.equal(finding?.path, 'model_list[2].litellm_params.stream_timeout');
  assert.match(finding?.problem ?? '', /1500 s load timeout for "llama-3\.3-70b"/);
});

test('a LiteLLM health check on /health, which wakes every model, is reported', async () => {
  await workspace().replace(
    'deploy/compose/docker-host.yaml',
    "4000/health/liveliness'",
    "4000/health'",
  );

  const [finding] = findingsOf(await workspace().check(), 'litellm-health-probe');

  assert.equal(finding?.path, 'services.litellm.healthcheck.test');
});
