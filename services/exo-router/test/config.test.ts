import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfigError, loadConfig, parseConfig } from '../src/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'exo-router-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// The config file's own ${env:NAME} syntax, built so that it is not mistaken for a template.
const envRef = (name: string) => `$${'{'}env:${name}}`;

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues;
  }
  throw new Error('expected a ConfigError');
}

test('defaults fill every key; durations become ms and sizes bytes; the result is frozen', () => {
  const config = parseConfig({ models: { a: { exoModelId: 'org/a', ttl: '10m' } } }, { env: {} });

  assert.equal(config.exo.baseUrl, 'http://127.0.0.1:52415');
  assert.equal(config.exo.requestTimeout, 30_000);
  assert.deepEqual(config.listen, { host: '127.0.0.1', port: 8767 });
  assert.equal(config.models.a?.ttl, 600_000);
  assert.equal(config.models.a?.loadTimeout, 900_000);
  assert.equal(config.models.a?.maxQueue, 64);
  assert.equal(config.limits.bodyLimit, 32 * 1024 * 1024);
  assert.equal(config.telemetry.recordContent, false);
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.models.a));
});

test('every problem is reported at once with path, expected form and what arrived', () => {
  const issues = issuesOf(() =>
    parseConfig(
      {
        exo: { baseUrl: 'nope', requestTimeout: '10 parsecs' },
        listen: { port: 'x' },
        models: { a: { aliases: ['a'] }, b: { exoModelId: 'org/b', sharding: 'Diagonal' } },
        upstreams: {
          u: { baseUrl: 'http://127.0.0.1:1/v1', models: ['b'], apiKey: envRef('NOT_SET') },
        },
        limits: { bodyLimit: '3 zettabytes' },
        surprise: true,
      },
      { env: {} },
    ),
  );
  const byPath = new Map(issues.map((i) => [i.path, i]));

  assert.equal(byPath.get('exo.baseUrl')?.received, '"nope"');
  assert.match(byPath.get('exo.requestTimeout')?.expected ?? '', /duration/);
  assert.equal(byPath.get('listen.port')?.expected, 'a number');
  assert.equal(byPath.get('models.a.exoModelId')?.received, 'nothing');
  assert.match(byPath.get('models.b.sharding')?.expected ?? '', /Pipeline or Tensor/);
  assert.match(byPath.get('upstreams.u.apiKey')?.expected ?? '', /NOT_SET/);
  assert.match(byPath.get('limits.bodyLimit')?.expected ?? '', /byte size/);
  assert.ok(byPath.has('surprise'));
  assert.match(byPath.get('models.a.aliases.0')?.expected ?? '', /already used by models.a/);
  assert.match(byPath.get('upstreams.u.models.0')?.expected ?? '', /already used by models.b/);
  assert.equal(issues.length, 10);
});

test('the file comes from --config or EXO_ROUTER_CONFIG; keys also from EXO_ROUTER_API_KEYS', () => {
  const file = join(dir, 'router.yaml');
  writeFileSync(
    file,
    'models:\n  m:\n    exoModelId: org/m\nauth:\n  apiKeys: [one]\nupstreams:\n  ls:\n    baseUrl: http://127.0.0.1:4004/v1\n    models: ["gpt-*"]\n    apiKey: ' +
      envRef('LS_KEY') +
      '\n',
  );

  const fromFlag = loadConfig({
    argv: ['--config', file],
    env: { LS_KEY: 'k', EXO_ROUTER_API_KEYS: 'two, three' },
  });
  const fromEnv = loadConfig({ argv: [], env: { EXO_ROUTER_CONFIG: file, LS_KEY: 'k' } });

  assert.ok(!fromFlag.help && !fromEnv.help);
  if (fromFlag.help || fromEnv.help) return;
  assert.deepEqual(fromFlag.config.auth.apiKeys, ['one', 'two', 'three']);
  assert.equal(fromFlag.config.upstreams.ls?.apiKey, 'k');
  assert.equal(fromEnv.config.source, file);
  assert.equal(fromEnv.config.upstreams.ls?.provider, 'openai');
});

test('--help, unknown flags, a missing file and bad YAML', () => {
  assert.deepEqual(loadConfig({ argv: ['--help'], env: {} }), { help: true });
  assert.equal(issuesOf(() => loadConfig({ argv: ['--port', '1'], env: {} }))[0]?.path, 'flags');
  assert.match(
    issuesOf(() => loadConfig({ argv: ['--config', join(dir, 'none.yaml')], env: {} }))[0]
      ?.received ?? '',
    /ENOENT/,
  );
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'models: [unclosed');
  assert.equal(
    issuesOf(() => loadConfig({ argv: ['--config', bad], env: {} }))[0]?.expected,
    'valid YAML',
  );
});

test('config.example.yaml, which documents every key, is valid', () => {
  const example = new URL('../config.example.yaml', import.meta.url).pathname;
  const result = loadConfig({ argv: ['--config', example], env: {} });

  assert.ok(!result.help);
  if (result.help) return;
  assert.deepEqual(Object.keys(result.config.models), ['llama-3.2-1b', 'qwen3-30b']);
  assert.equal(result.config.models['llama-3.2-1b']?.ttl, 600_000);
  assert.equal(result.config.upstreams['llama-swap']?.provider, 'llama.cpp');
});
