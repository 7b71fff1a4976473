import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ClientTally } from '../src/client.ts';
import type { Summary } from '../src/summary.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const samples = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../testkit/fixtures/nvidia-smi/samples.json', import.meta.url)),
    'utf8',
  ),
);

interface Result {
  reason: string;
  elapsedS: number;
  summary: Summary;
  client: ClientTally[];
  pids: number[];
  ports: number[];
}

describe('pnpm demo without a terminal', () => {
  it('runs for 20 s, stops by itself, and its summary matches what happened', {
    timeout: 120_000,
  }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'llm-lab-demo-'));
    const child = spawn(
      process.execPath,
      [main, '--', '--duration', '20', '--interval-ms', '200', '--out', out],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (data) => {
      output += data;
    });
    child.stderr.on('data', (data) => {
      output += data;
    });
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, output);

    const result = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Result;
    const { summary, client } = result;

    // Tokens the router counted are the tokens the client received, model by model.
    assert.equal(
      client.reduce((n, t) => n + t.failures, 0),
      0,
      JSON.stringify(client),
    );
    for (const tally of client) {
      const counted = summary.models.find((m) => m.model === tally.model);
      assert.ok(counted, `the router measured ${tally.model}`);
      assert.equal(counted.outputTokens, tally.outputTokens, `${tally.model} output tokens`);
      assert.equal(counted.inputTokens, tally.inputTokens, `${tally.model} input tokens`);
      assert.equal(counted.requests, tally.requests, `${tally.model} requests`);
    }
    assert.ok(
      client.some((t) => t.streams > 0),
      'streams were sent',
    );
    assert.ok(
      summary.models.some((m) => m.cluster === 'nvidia' && m.outputTokens > 0),
      'the NVIDIA side served',
    );

    // Both Mac models were loaded cold; the first one idled out.
    assert.ok(summary.loads >= 2, `${summary.loads} loads`);
    assert.ok(summary.ttlUnloads >= 1, `${summary.ttlUnloads} TTL unloads`);

    // Power and energy for the three hosts, consistent with the replayed captures.
    const host = (name: string) => {
      const found = summary.hosts.find((h) => h.host === name);
      assert.ok(found, `${name} reported power`);
      assert.ok(
        found.meanWatts > 0 && found.energyJoules > 0,
        `${name} power and energy are non-zero`,
      );
      const drift = Math.abs(found.energyJoules - found.expectedJoules) / found.expectedJoules;
      assert.ok(
        drift < 0.02,
        `${name}: energy ${found.energyJoules.toFixed(1)} J vs mean power × time ${found.expectedJoules.toFixed(1)} J`,
      );
      return found;
    };
    assert.equal(host('mac-studio').meanWatts.toFixed(2), '35.68');
    const mini = host('mac-mini');
    assert.ok(
      mini.meanWatts > 0 && mini.meanWatts < 20,
      `an idle M3 Pro draws a few watts, not ${mini.meanWatts}`,
    );
    const gpu = host('gpu-box');
    const capture = 'linux-x86_64__nvidia-geforce-rtx-4080-super__595.71.05';
    const watts = (table: string) =>
      Number.parseFloat(samples[`${capture}__${table}`][0]['power.draw [W]']);
    const [idle, load] = [watts('idle'), watts('load')];
    assert.ok(
      gpu.meanWatts >= idle - 0.01 && gpu.meanWatts <= load + 0.01,
      `GPU mean ${gpu.meanWatts} W within idle ${idle} W .. load ${load} W`,
    );

    for (const cluster of summary.clusters) {
      assert.ok(
        cluster.tokensPerJoule && cluster.tokensPerJoule > 0,
        `${cluster.cluster} tokens per joule`,
      );
      assert.ok(
        cluster.costPer1kTokens && cluster.costPer1kTokens > 0,
        `${cluster.cluster} cost per 1k tokens`,
      );
    }

    // Nothing is left behind: every child has exited and every port is free again.
    for (const pid of result.pids) {
      assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `process ${pid} is gone`);
    }
    for (const port of result.ports) await assertPortFree(port);
    assert.ok(readFileSync(join(out, 'telemetry.json'), 'utf8').includes('mac.power.total'));
  });
});

describe('Ctrl-C', () => {
  it('stops the demo at once and leaves no process or port behind', {
    timeout: 60_000,
  }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'llm-lab-demo-'));
    const child = spawn(process.execPath, [main, '--duration', '60', '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (data) => {
      output += data;
    });
    while (!output.includes('[')) await new Promise((resolve) => setTimeout(resolve, 100));

    const interrupted = Date.now();
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    const tookMs = Date.now() - interrupted;

    assert.equal(code, 130);
    assert.ok(tookMs < 4_000, `stopping took ${tookMs} ms`);
    const result = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Result;
    assert.equal(result.reason, 'interrupted');
    assert.ok(result.pids.length >= 6, `${result.pids.length} children were running`);
    for (const pid of result.pids) {
      assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `process ${pid} is gone`);
    }
    for (const port of result.ports) await assertPortFree(port);
  });
});

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err) => reject(new Error(`port ${port} is still taken: ${err.message}`)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}
