import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type ExoSimulator, startExoSimulator } from '@llm-lab/testkit/exo-sim';
import { type RouterProcess, runToExit, startRouterProcess } from './support/router-process.ts';

// A truncated config file or a changed EXO URL must never make a reload drop models, keys or
// the instances the router created.

const dir = mkdtempSync(join(tmpdir(), 'exo-router-reload-guards-'));
const file = join(dir, 'router.yaml');
let sim: ExoSimulator;
let router: RouterProcess;

const yaml = (baseUrl: string) =>
  [
    `exo:\n  baseUrl: ${baseUrl}`,
    'listen:\n  port: 0',
    'auth:\n  apiKeys: [secret-key]',
    'models:\n  llama-1b:\n    exoModelId: mlx-community/Llama-3.2-1B-Instruct-4bit',
  ].join('\n');

const headers = { authorization: 'Bearer secret-key', 'content-type': 'application/json' };

async function waitForLog(text: string, from: number) {
  const deadline = Date.now() + 10_000;
  while (!router.stdout().slice(from).includes(text) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.ok(router.stdout().slice(from).includes(text), `log line "${text}"`);
}

before(async () => {
  sim = await startExoSimulator({ downloadMs: 20, loadMs: 20, warmupMs: 10, shutdownMs: 10 });
  writeFileSync(file, yaml(sim.url));
  router = await startRouterProcess(['--config', file]);
});
after(async () => {
  await router.stop('SIGTERM');
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

test('empty config file at start-up is a config error naming the file', async () => {
  const empty = join(dir, 'empty.yaml');
  writeFileSync(empty, '  \n# only a comment\n');
  const result = await runToExit(['--config', empty]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /config file .*empty\.yaml is empty/);
});

test('SIGHUP with an empty config file keeps the old config: models, EXO URL and API keys', async () => {
  const load = await fetch(`${router.url}/models/llama-1b/load`, { method: 'POST', headers });
  assert.equal(load.status, 200);

  const mark = router.stdout().length;
  writeFileSync(file, '');
  router.child.kill('SIGHUP');
  await waitForLog('config reload rejected', mark);
  assert.match(router.stdout().slice(mark), /is empty/);

  const open = await fetch(`${router.url}/running`);
  assert.equal(open.status, 401, 'API keys still required');
  const running = (await (await fetch(`${router.url}/running`, { headers })).json()) as {
    models: { name: string; state: string }[];
  };
  assert.deepEqual(
    running.models.map((m) => [m.name, m.state]),
    [['llama-1b', 'ready']],
  );
  assert.equal(sim.instances().length, 1);
});

test('SIGHUP changing exo.baseUrl warns and keeps the old EXO, so unloads still reach it', async () => {
  const mark = router.stdout().length;
  writeFileSync(file, yaml('http://127.0.0.1:9'));
  router.child.kill('SIGHUP');
  await waitForLog('configuration reloaded', mark);
  assert.match(router.stdout().slice(mark), /exo\.baseUrl changes need a restart/);

  const unload = await fetch(`${router.url}/models/llama-1b/unload`, { method: 'POST', headers });
  assert.equal(unload.status, 200);
  assert.equal(sim.instances().length, 0, 'the instance on the old EXO was deleted');
});
