import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type ExoSimulator, startExoSimulator } from '@llm-lab/testkit/exo-sim';
import OpenAI from 'openai';
import { type RouterProcess, startRouterProcess } from './support/router-process.ts';

// SIGHUP reloads the config under load: no request fails, a new model becomes routable, a
// removed one finishes what it is serving and then goes.

const dir = mkdtempSync(join(tmpdir(), 'exo-router-reload-'));
const file = join(dir, 'router.yaml');
let sim: ExoSimulator;
let router: RouterProcess;

const yaml = (models: Record<string, string>, ttl: string) =>
  [
    `exo:\n  baseUrl: ${sim.url}`,
    'listen:\n  port: 0',
    `defaults:\n  ttl: ${ttl}`,
    'models:',
    ...Object.entries(models).map(([name, id]) => `  ${name}:\n    exoModelId: ${id}`),
  ].join('\n');

before(async () => {
  sim = await startExoSimulator({
    downloadMs: 50,
    loadMs: 50,
    warmupMs: 20,
    shutdownMs: 20,
    tokensPerSecond: 100,
  });
  writeFileSync(
    file,
    yaml(
      {
        'llama-1b': 'mlx-community/Llama-3.2-1B-Instruct-4bit',
        'llama-3b': 'mlx-community/Llama-3.2-3B-Instruct-4bit',
      },
      '30m',
    ),
  );
  router = await startRouterProcess(['--config', file]);
});
after(async () => {
  await router.stop('SIGTERM');
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

test('SIGHUP under load: no request fails, added models serve, removed ones drain', async () => {
  const client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const ask = async (model: string) => {
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 10,
      stream: true,
    });
    let last = '';
    for await (const chunk of stream) last = chunk.choices[0]?.finish_reason ?? last;
    assert.equal(last, 'length');
  };
  await Promise.all([ask('llama-1b'), ask('llama-3b')]);

  let stop = false;
  let served = 0;
  const failures: unknown[] = [];
  const worker = async (model: string) => {
    while (!stop) {
      await ask(model).then(
        () => served++,
        (err: unknown) => failures.push(err),
      );
    }
  };
  const load = [worker('llama-1b'), worker('llama-1b'), worker('llama-3b'), worker('llama-3b')];

  await new Promise((resolve) => setTimeout(resolve, 300));
  writeFileSync(
    file,
    yaml(
      {
        'llama-1b': 'mlx-community/Llama-3.2-1B-Instruct-4bit',
        qwen: 'mlx-community/Qwen3-0.6B-4bit',
      },
      '10m',
    ),
  );
  router.child.kill('SIGHUP');
  const deadline = Date.now() + 10_000;
  while (!router.stdout().includes('configuration reloaded') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  stop = true;
  await Promise.all(load);

  assert.ok(router.stdout().includes('configuration reloaded'));
  assert.deepEqual(
    failures.filter((e) => !(e instanceof OpenAI.NotFoundError)),
    [],
    'no request failed mid-way',
  );
  assert.ok(served >= 4, `served ${served}`);
  await ask('qwen');
  await ask('llama-1b');
  const gone = await client.chat.completions
    .create({ model: 'llama-3b', messages: [{ role: 'user', content: 'hi' }] })
    .catch((e: unknown) => e);
  assert.ok(gone instanceof OpenAI.NotFoundError);
  const deadline2 = Date.now() + 10_000;
  while (sim.instances().some((i) => i.modelId.includes('3B')) && Date.now() < deadline2) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(
    !sim.instances().some((i) => i.modelId.includes('3B')),
    'the removed model was unloaded',
  );
});
