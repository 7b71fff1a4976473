import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { findingsOf, makeWorkspace, type Workspace } from './helpers/workspace.ts';

const config = 'deploy/otelcol/config.yaml';
let ws: Workspace;
let original: string;

before(async () => {
  ws = await makeWorkspace();
  original = await ws.read(config);
});
afterEach(() => ws.write(config, original));
after(() => ws.close());

test('a pipeline naming an undefined exporter is reported with the pipeline path', async () => {
  await ws.editYaml(config, (doc) => {
    doc.setIn(
      ['service', 'pipelines', 'traces', 'exporters'],
      ['otlp_grpc/signoz', 'otlp_http/o11y', 'otlp_http/jaeger'],
    );
  });

  const [finding, ...rest] = findingsOf(await ws.check(), 'undefined-component');

  assert.equal(rest.length, 0);
  assert.equal(finding?.file, 'deploy/otelcol/config.yaml');
  assert.equal(finding?.path, 'service.pipelines.traces.exporters');
  assert.match(finding?.problem ?? '', /"otlp_http\/jaeger", which is not defined/);
});

test('an extension enabled in service but never defined is reported', async () => {
  await ws.editYaml(config, (doc) => {
    doc.setIn(['service', 'extensions'], ['health_check', 'file_storage/queue', 'zpages']);
  });

  const [finding] = findingsOf(await ws.check(), 'undefined-component');

  assert.equal(finding?.path, 'service.extensions');
});

test('a defined exporter that no pipeline uses is reported', async () => {
  await ws.editYaml(config, (doc) => {
    doc.setIn(['exporters', 'debug'], { verbosity: 'basic' });
  });

  const [finding] = findingsOf(await ws.check(), 'unused-component');

  assert.equal(finding?.path, 'exporters.debug');
  assert.match(finding?.fix ?? '', /add "debug" to a pipeline or delete/);
});

test('a defined extension missing from service.extensions is reported', async () => {
  await ws.editYaml(config, (doc) => {
    doc.setIn(['service', 'extensions'], ['health_check']);
  });

  const findings = findingsOf(await ws.check(), 'unused-component');

  assert.deepEqual(
    findings.map((f) => f.path),
    ['extensions.file_storage/queue'],
  );
});

const removed: { name: string; edit: (text: string) => string; path: string; fix: RegExp }[] = [
  {
    name: 'the logging exporter',
    edit: (t) => t.replaceAll('otlp_grpc/signoz', 'logging'),
    path: 'exporters.logging',
    fix: /"debug"/,
  },
  {
    name: 'the otlp exporter (renamed otlp_grpc)',
    edit: (t) => t.replaceAll('otlp_grpc/signoz', 'otlp/signoz'),
    path: 'exporters.otlp/signoz',
    fix: /"otlp_grpc\/signoz"/,
  },
  {
    name: 'cumulativetodelta (renamed cumulative_to_delta)',
    edit: (t) => t.replaceAll('cumulative_to_delta/splunk', 'cumulativetodelta/splunk'),
    path: 'processors.cumulativetodelta/splunk',
    fix: /"cumulative_to_delta\/splunk"/,
  },
  {
    name: 'the memory_ballast extension',
    edit: (t) =>
      t
        .replace('extensions:\n', 'extensions:\n  memory_ballast:\n    size_mib: 64\n')
        .replace('extensions: [health_check,', 'extensions: [memory_ballast, health_check,'),
    path: 'extensions.memory_ballast',
    fix: /GOMEMLIMIT/,
  },
  {
    name: "memory_limiter's ballast_size_mib",
    edit: (t) =>
      t.replace('    limit_mib: 500\n', '    limit_mib: 500\n    ballast_size_mib: 64\n'),
    path: 'processors.memory_limiter.ballast_size_mib',
    fix: /GOMEMLIMIT/,
  },
  {
    name: "signalfx's translation_rules",
    edit: (t) =>
      t.replace(
        '    drop_histogram_buckets: true\n',
        '    drop_histogram_buckets: true\n    translation_rules: []\n',
      ),
    path: 'exporters.signalfx.translation_rules',
    fix: /transform, filter or cumulative_to_delta/,
  },
  {
    name: 'a top-level insecure_skip_verify',
    edit: (t) =>
      t.replace(
        '    splunk_app_name: llm-lab\n',
        '    splunk_app_name: llm-lab\n    insecure_skip_verify: true\n',
      ),
    path: 'exporters.splunk_hec/metrics.insecure_skip_verify',
    fix: /under tls:/,
  },
  {
    name: 'service.telemetry.metrics.address',
    edit: (t) =>
      t.replace('      level: normal\n', '      level: normal\n      address: 0.0.0.0:8888\n'),
    path: 'service.telemetry.metrics.address',
    fix: /readers:/,
  },
];

for (const { name, edit, path, fix } of removed) {
  test(`${name} is reported as removed or renamed in v0.159.0`, async () => {
    await ws.write(config, edit(original));

    const findings = findingsOf(await ws.check(), 'removed-name');
    const finding = findings.find((f) => f.path === path);

    assert.ok(finding, `no removed-name finding at ${path}: ${JSON.stringify(findings)}`);
    assert.match(finding.problem, /v0\.159\.0/);
    assert.match(finding.fix, fix);
  });
}

test('memory_limiter without check_interval is reported', async () => {
  await ws.editYaml(config, (doc) => {
    doc.deleteIn(['processors', 'memory_limiter', 'check_interval']);
  });

  const [finding] = findingsOf(await ws.check(), 'memory-limiter-interval');

  assert.equal(finding?.path, 'processors.memory_limiter.check_interval');
  assert.match(finding?.problem ?? '', /missing/);
});

test('memory_limiter with a zero check_interval is reported', async () => {
  await ws.replace(config, 'check_interval: 1s', 'check_interval: 0s');

  const [finding] = findingsOf(await ws.check(), 'memory-limiter-interval');

  assert.match(finding?.problem ?? '', /"0s"/);
});

test('batch before another processor, or memory_limiter not first, is reported', async () => {
  await ws.editYaml(config, (doc) => {
    doc.setIn(
      ['service', 'pipelines', 'logs', 'processors'],
      ['resource', 'memory_limiter', 'batch'],
    );
    doc.setIn(
      ['service', 'pipelines', 'traces', 'processors'],
      ['memory_limiter', 'batch', 'resource'],
    );
  });

  const findings = findingsOf(await ws.check(), 'pipeline-order');

  assert.deepEqual(
    findings.map((f) => `${f.path}: ${f.fix}`),
    [
      'service.pipelines.traces.processors: put batch last in this pipeline',
      'service.pipelines.logs.processors: put memory_limiter first in this pipeline',
    ],
  );
});
