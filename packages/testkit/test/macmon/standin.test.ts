// The stand-in macmon executable, run as a real child process.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  type MacmonStandinOptions,
  macmonFixture,
  macmonStandinEnv,
  macmonStandinPath,
} from '../../src/macmon/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'macmon-standin-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], options: MacmonStandinOptions = {}) {
  const result = spawnSync(macmonStandinPath, args, {
    env: { ...process.env, ...macmonStandinEnv(options) },
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { ...result, lines: result.stdout.split('\n').filter(Boolean) };
}

describe('stand-in macmon', () => {
  it('-s 1 prints one fixture line and exits 0', () => {
    const { status, lines } = run(['pipe', '-s', '1', '-i', '100']);
    assert.equal(status, 0);
    assert.equal(lines.length, 1);
    assert.equal(JSON.parse(lines[0]!).sys_power, 35.68);
  });

  it('replays the chosen file in order, looping', () => {
    const { lines } = run(['pipe', '-s', '5', '-i', '100'], {
      file: macmonFixture('v0.5-m3pro-24gb-idle.jsonl'),
    });
    const totals = lines.map((line) => JSON.parse(line).sys_power);
    assert.deepEqual(totals, [10.269848, 10.272432, 10.269848, 10.272432, 10.269848]);
  });

  it('keeps the cadence of -i (first line after one interval)', () => {
    const started = Date.now();
    const { lines } = run(['pipe', '-s', '4', '-i', '200']);
    const elapsed = Date.now() - started;
    assert.equal(lines.length, 4);
    assert.ok(elapsed >= 800, `${elapsed} ms`);
  });

  it('--soc-info adds a soc object to every line', () => {
    const { lines } = run(['pipe', '-s', '1', '-i', '100', '--soc-info']);
    assert.equal(JSON.parse(lines[0]!).soc.chip_name, 'Apple M3 Pro');
  });

  it('a float interval is a usage error (exit 2), like clap', () => {
    const { status, stderr } = run(['pipe', '--interval', '1000.0']);
    assert.equal(status, 2);
    assert.match(stderr, /invalid value '1000.0'/);
  });

  it('fault exit: N lines, then `Error: …` on stderr and the exit code', () => {
    const { status, lines, stderr } = run(['pipe', '-i', '100'], {
      fault: { kind: 'exit', afterLines: 2, code: 1, stderr: 'Error: No CPU frequencies found' },
    });
    assert.equal(status, 1);
    assert.equal(lines.length, 2);
    assert.equal(stderr.trim(), 'Error: No CPU frequencies found');
  });

  it('fault signal: dies by the signal after N lines', () => {
    const { signal, lines } = run(['pipe', '-i', '100'], {
      fault: { kind: 'signal', signal: 'SIGABRT', afterLines: 1 },
    });
    assert.equal(signal, 'SIGABRT');
    assert.equal(lines.length, 1);
  });

  it('fault junk: prints the junk line once after N lines and carries on', () => {
    const { lines } = run(['pipe', '-s', '3', '-i', '100'], {
      fault: { kind: 'junk', line: 'Error: Failed to get swap usage', afterLines: 1 },
    });
    assert.equal(lines[1], 'Error: Failed to get swap usage');
    assert.equal(lines.length, 4);
  });

  it('fault hang: stays alive and prints nothing after N lines; pid file records it', async () => {
    const pidFile = join(dir, 'hang-pids');
    const child = spawn(macmonStandinPath, ['pipe', '-i', '100'], {
      env: {
        ...process.env,
        ...macmonStandinEnv({ fault: { kind: 'hang', afterLines: 1 }, pidFile }),
      },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await new Promise((resolve) => setTimeout(resolve, 1200));

    assert.equal(child.exitCode, null, 'still alive');
    assert.equal(out.split('\n').filter(Boolean).length, 1);
    assert.equal(Number(readFileSync(pidFile, 'utf8').trim()), child.pid);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  });

  it('exits when its reader goes away (EPIPE), like macmon', async () => {
    const child = spawn(macmonStandinPath, ['pipe', '-i', '100'], {
      env: { ...process.env, ...macmonStandinEnv() },
    });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.stdout.destroy();
    const code = await new Promise((resolve) => child.once('exit', (c, s) => resolve(c ?? s)));
    assert.notEqual(code, null);
  });
});
