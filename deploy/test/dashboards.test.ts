import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import {
  signalflowMetricUses,
  splSearchMetricNames,
  sqlMetricNames,
} from '../checks/dashboard-queries.ts';
import { isEmitted } from '../checks/dashboards.ts';
import { findingsOf, useWorkspace, writeMetricNames } from './helpers/workspace.ts';

const files = [
  'deploy/dashboards/signoz/llm-lab.json',
  'deploy/dashboards/splunk/llm-lab.json',
  'deploy/dashboards/o11y/power-per-host.signalflow',
];
const workspace = useWorkspace(files);

test('a SigNoz builder query on a metric no service emits is reported', async () => {
  await workspace().replace(files[0] ?? '', '"key": "mac.power.ane"', '"key": "mac.power.neural"');

  const [finding] = findingsOf(await workspace().check(), 'dashboard-unknown-metric');

  assert.equal(finding?.file, 'deploy/dashboards/signoz/llm-lab.json');
  assert.match(finding?.path ?? '', /Mac power per domain.*aggregateAttribute\.key/);
  assert.match(finding?.problem ?? '', /"mac\.power\.neural"/);
});

test('a SigNoz ClickHouse SQL query on an unknown metric is reported', async () => {
  await workspace().replace(
    files[0] ?? '',
    /metric_name = 'gpu\.energy\.board'/g,
    "metric_name = 'gpu.energy.total'",
  );

  const findings = findingsOf(await workspace().check(), 'dashboard-unknown-metric');

  assert.ok(findings.every((f) => f.path.includes('clickhouse_sql')));
  assert.ok(findings.every((f) => f.problem.includes('"gpu.energy.total"')));
});

test('a Splunk mstats search on an unknown metric is reported', async () => {
  await workspace().replace(files[1] ?? '', 'avg(mac.power.system)', 'avg(mac.power.board)');

  const [finding] = findingsOf(await workspace().check(), 'dashboard-unknown-metric');

  assert.equal(finding?.file, 'deploy/dashboards/splunk/llm-lab.json');
  assert.equal(finding?.path, 'dataSources.ds_power_mac_domain.options.query');
});

test('a SignalFlow program on an unknown metric is reported with its line', async () => {
  await workspace().replace(files[2] ?? '', "data('gpu.power.board'", "data('gpu.power.draw'");

  const [finding] = findingsOf(await workspace().check(), 'dashboard-unknown-metric');

  assert.equal(finding?.file, 'deploy/dashboards/o11y/power-per-host.signalflow');
  assert.equal(finding?.path, 'line 3');
});

test('a metric a service stops emitting breaks the dashboards that chart it', async () => {
  await writeMetricNames(workspace().servicesDir, 'nvidia-power-exporter', {
    energy: 'gpu.energy.board',
  });

  try {
    const findings = findingsOf(await workspace().check(), 'dashboard-unknown-metric');

    assert.ok(findings.every((f) => f.problem.includes('"gpu.power.board"')));
    assert.deepEqual([...new Set(findings.map((f) => path.basename(f.file)))].sort(), [
      'hosts-reporting.signalflow',
      'llm-lab.json',
      'power-per-domain.signalflow',
      'power-per-host.signalflow',
      'tokens-per-watt.signalflow',
    ]);
  } finally {
    await writeMetricNames(workspace().servicesDir, 'nvidia-power-exporter', {
      board: 'gpu.power.board',
      energy: 'gpu.energy.board',
    });
  }
});

test('a service without src/metric-names.ts fails with a clear "missing" message', async () => {
  const file = path.join(workspace().servicesDir, 'macmon-exporter', 'src', 'metric-names.ts');
  await rm(file);

  try {
    const report = await workspace().check();
    const missing = report.findings.filter((f) => f.rule === 'metric-names-missing');

    assert.equal(missing.length, 1);
    assert.equal(missing[0]?.file, 'services/macmon-exporter/src/metric-names.ts');
    assert.match(
      missing[0]?.problem ?? '',
      /^the file is missing, so the dashboards cannot be checked/,
    );
    assert.match(missing[0]?.fix ?? '', /export const metricNames = \{ … \} as const;/);
  } finally {
    await writeMetricNames(workspace().servicesDir, 'macmon-exporter', {
      total: 'mac.power.total',
      cpu: 'mac.power.cpu',
      gpu: 'mac.power.gpu',
      ane: 'mac.power.ane',
      ram: 'mac.power.ram',
      system: 'mac.power.system',
      energy: 'mac.energy.total',
    });
  }
});

test('grouped metricNames objects are read at any depth', async () => {
  await writeMetricNames(workspace().servicesDir, 'nvidia-power-exporter', {
    power: { board: 'gpu.power.board' },
    energy: { board: 'gpu.energy.board' },
  });

  assert.deepEqual((await workspace().check()).findings, []);
});

test('histogram parts and globs resolve to the emitted base name', () => {
  const emitted = new Map([
    ['gen_ai.client.token.usage', 'litellm'],
    ['mac.power.total', 'macmon-exporter'],
  ]);

  assert.ok(isEmitted('gen_ai.client.token.usage.sum', emitted));
  assert.ok(isEmitted('gen_ai.client.token.usage_bucket', emitted));
  assert.ok(isEmitted('mac.power.*', emitted));
  assert.ok(!isEmitted('mac.power.total_p95', emitted));
  assert.ok(!isEmitted('gpu.*', emitted));
});

test('query parsers find names in SQL, SPL and SignalFlow, and nothing outside them', () => {
  assert.deepEqual(
    sqlMetricNames("WHERE metric_name IN ('a.b', 'c') AND s.metric_name = 'd' AND x = 'e'"),
    ['a.b', 'c', 'd'],
  );
  assert.deepEqual(
    splSearchMetricNames(
      '| mstats avg(mac.power.cpu) AS cpu max("gpu.temp.core") WHERE index=x metric_name=gpu.clock.sm | eval y=round(cpu, 2) | stats max(y)',
    ),
    ['mac.power.cpu', 'gpu.temp.core', 'gpu.clock.sm'],
  );
  assert.deepEqual(
    signalflowMetricUses(
      "# data('ignored')\nA = data('x.y', rollup='rate').sum()\nhistogram(\"h\").publish()",
    ),
    [
      { name: 'x.y', path: 'line 2' },
      { name: 'h', path: 'line 3' },
    ],
  );
});
