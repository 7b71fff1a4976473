import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/exo-sim', import.meta.url));

describe('exo-sim CLI', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  test('prints its URL as one JSON line, serves, and exits 0 on SIGTERM', async () => {
    child = spawn(
      process.execPath,
      [BIN, '--node', 'studio:32GiB', '--load-ms', '0', '--fault', 'nullDeltaFields'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const { url } = JSON.parse(line) as { url: string };
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);

    const state = (await (await fetch(`${url}/state`)).json()) as {
      nodeMemory: Record<string, unknown>;
    };
    const memory = Object.values(state.nodeMemory)[0] as { ramTotal: { inBytes: number } };
    assert.equal(memory.ramTotal.inBytes, 32 * 1024 ** 3);

    // A parent process flips faults and speeds through the simulator-only /_sim/ routes.
    const flip = await fetch(`${url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ legacyServer: true }),
    });
    assert.equal(flip.status, 200);
    assert.equal((await fetch(`${url}/node_id`)).status, 404);
    const speeds = await fetch(`${url}/_sim/options`, {
      method: 'POST',
      body: JSON.stringify({ tokensPerSecond: 5 }),
    });
    assert.equal(speeds.status, 200);
    const bad = await fetch(`${url}/_sim/faults`, { method: 'POST', body: '{"nope":true}' });
    assert.equal(bad.status, 400);
    const badShape = await fetch(`${url}/_sim/faults`, {
      method: 'POST',
      body: '{"deleteInstanceMidStream":3}',
    });
    assert.equal(badShape.status, 400);
    assert.match(await badShape.text(), /afterTokens/);
    const stats = (await (await fetch(`${url}/_sim/stats`)).json()) as { faults: object };
    assert.deepEqual(stats.faults, { nullDeltaFields: true, legacyServer: true });

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  });

  test('SIGINT stops it too', async () => {
    child = spawn(process.execPath, [BIN], { stdio: ['ignore', 'pipe', 'pipe'] });
    await once(createInterface({ input: child.stdout! }), 'line');
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  });

  test('a bad flag exits 2 and names the problem', async () => {
    child = spawn(process.execPath, [BIN, '--node', 'nosize'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
    assert.match(stderr, /--node expects name:size/);
  });
});
