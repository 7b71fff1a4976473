import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type OtlpSink, startOtlpSink } from '@llm-lab/testkit';
import { type ExoSimulator, startExoSimulator } from '@llm-lab/testkit/exo-sim';
import OpenAI from 'openai';
import { runToExit, startRouterProcess } from './support/router-process.ts';

// The built service, end to end: flags, config errors, serving, telemetry export and SIGTERM.

const dir = mkdtempSync(join(tmpdir(), 'exo-router-main-'));
let sim: ExoSimulator;
let sink: OtlpSink;
before(async () => {
  sim = await startExoSimulator({ downloadMs: 50, loadMs: 50, warmupMs: 20, shutdownMs: 20 });
  sink = await startOtlpSink();
});
after(async () => {
  await sim.close();
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
});

test('--help lists the flags and exits 0', async () => {
  const { code, stdout } = await runToExit(['--help']);

  assert.equal(code, 0);
  assert.match(stdout, /--config <file>/);
  assert.match(stdout, /EXO_ROUTER_API_KEYS/);
});

test('a bad config exits 1 listing every error', async () => {
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'listen:\n  port: high\nmodels:\n  m: {}\nexo:\n  requestTimeout: later\n');
  const { code, stderr } = await runToExit(['--config', file]);

  assert.equal(code, 1);
  assert.match(stderr, /listen\.port/);
  assert.match(stderr, /models\.m\.exoModelId/);
  assert.match(stderr, /exo\.requestTimeout/);
});

test('dist/main.js boots, serves, exports telemetry with cluster=mac-exo and stops on SIGTERM', async () => {
  const file = join(dir, 'good.yaml');
  writeFileSync(
    file,
    `exo:\n  baseUrl: ${sim.url}\nlisten:\n  port: 0\nmodels:\n  llama-1b:\n    exoModelId: mlx-community/Llama-3.2-1B-Instruct-4bit\n`,
  );
  const router = await startRouterProcess([], {
    EXO_ROUTER_CONFIG: file,
    OTEL_SDK_DISABLED: 'false',
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    OTEL_METRIC_EXPORT_INTERVAL: '200',
  });
  try {
    const client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const answer = await client.chat.completions.create({
      model: 'llama-1b',
      messages: [{ role: 'user', content: 'hi there' }],
      max_tokens: 3,
    });
    assert.equal(answer.model, 'llama-1b');

    const span = await sink.waitForSpan((s) => s.kind === 'SERVER', { timeoutMs: 10_000 });
    assert.equal(span.resource.cluster, 'mac-exo');
    assert.equal(span.resource['service.name'], 'exo-router');
    const point = await sink.waitForMetric('gen_ai.client.token.usage', {
      attributes: { 'gen_ai.token.type': 'output' },
      timeoutMs: 10_000,
    });
    assert.equal(point.sum, 3);
  } finally {
    assert.equal(await router.stop('SIGTERM'), 0);
  }
});
