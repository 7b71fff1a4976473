import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import {
  type NvidiaSmiEnvOptions,
  nvidiaSmiCaptures,
  nvidiaSmiEnv,
  nvidiaSmiPath,
  writeNvidiaSmiControl,
} from '../../src/nvidia-smi/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'nvidia-smi-standin-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function run(args: string[], options: NvidiaSmiEnvOptions = {}) {
  const result = spawnSync(nvidiaSmiPath, args, {
    env: { PATH: process.env.PATH, ...nvidiaSmiEnv(options) },
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { stdout: result.stdout, status: result.status };
}

/** Runs a looping stand-in until `count` lines arrived, then kills it. */
async function lines(
  args: string[],
  options: NvidiaSmiEnvOptions,
  count: number,
  onLine?: (n: number) => void,
) {
  const child = spawn(nvidiaSmiPath, args, {
    env: { PATH: process.env.PATH, ...nvidiaSmiEnv(options) },
  });
  const got: string[] = [];
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  for await (const line of createInterface({ input: child.stdout })) {
    got.push(line);
    onLine?.(got.length);
    if (got.length >= count) break;
  }
  child.kill('SIGKILL');
  clearTimeout(timer);
  return got;
}

const FIELDS =
  'index,name,power.draw,power.draw.average,fan.speed,temperature.memory,utilization.gpu,clocks.sm';

describe('stand-in nvidia-smi: queries', () => {
  it('answers with units and a canonical header, or noheader,nounits', () => {
    const withUnits = run([`--query-gpu=${FIELDS}`, '--format=csv'], { table: 'load' });
    assert.equal(withUnits.status, 0);
    assert.equal(
      withUnits.stdout,
      'index, name, power.draw [W], power.draw.average [W], fan.speed [%], temperature.memory, utilization.gpu [%], clocks.current.sm [MHz]\n' +
        '0, NVIDIA H200, 627.40 W, 627.40 W, [N/A], 40, 100 %, 1980 MHz\n',
    );
    const bare = run([`--query-gpu=${FIELDS}`, '--format=csv,noheader,nounits'], {
      capture: nvidiaSmiCaptures.rtx2080Super,
    });
    assert.equal(bare.stdout, '0, NVIDIA GeForce RTX 2080 SUPER, 39.32, [N/A], 38, N/A, 0, 765\n');
  });

  it('rejects a field the driver does not know, and extra fields on request', () => {
    const unknown = run(['--query-gpu=index,clocks_throttle_reasons.unknown', '--format=csv']);
    assert.equal(unknown.status, 2);
    assert.match(
      unknown.stdout,
      /^Field "clocks_throttle_reasons.unknown" is not a valid field to query\.\n/,
    );
    const old = run([`--query-gpu=${FIELDS},power.draw.instant`, '--format=csv'], {
      reject: ['power.draw.instant'],
    });
    assert.match(old.stdout, /Field "power.draw.instant" is not a valid field/);
    // gpu.base.* came with a later driver than the H200 capture's 590.48.01.
    assert.equal(
      run(['--query-gpu=gpu.base.current', '--format=csv'], { capture: nvidiaSmiCaptures.h200 })
        .status,
      2,
    );
  });

  it('selects GPUs with -i, lists them with -L, and builds N synthetic GPUs', () => {
    const selected = run(
      [
        '--query-gpu=index,uuid,pci.bus_id,power.draw',
        '--format=csv,noheader,nounits',
        '-i',
        '1,GPU-00000003-0000-4000-8000-000000030000',
      ],
      { gpus: 4 },
    );
    assert.deepEqual(selected.stdout.trim().split('\n'), [
      '1, GPU-00000001-0000-4000-8000-000000010000, 00000000:20:00.0, 78.71',
      '3, GPU-00000003-0000-4000-8000-000000030000, 00000000:30:00.0, 80.71',
    ]);
    assert.match(
      run(['-L'], { gpus: 2 }).stdout,
      /^GPU 0: NVIDIA H200 \(UUID: GPU-00000000-.*\nGPU 1: /,
    );
    assert.match(run(['-L'], { capture: nvidiaSmiCaptures.h100Mig }).stdout, /MIG 3g\.40gb/);
    assert.equal(run(['--query-gpu=index', '--format=csv', '-i', '9']).status, 6);
  });

  it('prints --version and --help-query-gpu from the capture', () => {
    assert.match(
      run(['--version'], { capture: nvidiaSmiCaptures.rtx4080Super }).stdout,
      /DRIVER version\s+: 595\.71\.05/,
    );
    assert.match(run(['--help-query-gpu']).stdout, /"clocks.current.sm" or "clocks.sm"/);
    assert.equal(run(['--query-gpu=index']).status, 2);
  });
});

describe('stand-in nvidia-smi: faults', () => {
  const exits = [
    ['driver-not-loaded', 9, /couldn't communicate with the NVIDIA driver/],
    ['nvml-missing', 12, /libnvidia-ml\.so/],
    ['version-mismatch', 18, /Driver\/library version mismatch/],
    ['unknown-error', 255, /Unknown Error/],
  ] as const;
  for (const [fault, status, text] of exits) {
    it(`${fault}: exit ${status} with its message on stdout`, () => {
      const result = run(['--query-gpu=index', '--format=csv', '-lms', '100'], { fault });
      assert.equal(result.status, status);
      assert.match(result.stdout, text);
    });
  }

  it('gpu-lost fills every cell but the index of the first GPU', async () => {
    const got = await lines(
      ['--query-gpu=index,uuid,power.draw', '--format=csv,noheader,nounits', '-lms', '50'],
      { gpus: 2, fault: 'gpu-lost', faultAfter: 1 },
      4,
    );
    assert.match(got[0] ?? '', /^0, GPU-0/);
    assert.equal(got[2], '0, [GPU is lost], [GPU is lost]');
    assert.match(got[3] ?? '', /^1, GPU-0/);
  });

  it('hang prints nothing after its rows, ignores SIGTERM and dies on SIGKILL', async () => {
    const child = spawn(
      nvidiaSmiPath,
      ['--query-gpu=index', '--format=csv,noheader', '-lms', '50'],
      {
        env: { PATH: process.env.PATH, ...nvidiaSmiEnv({ fault: 'hang', faultAfter: 2 }) },
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    await new Promise((resolve) => setTimeout(resolve, 800));
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(child.exitCode, null);
    assert.equal(output, '0\n0\n');
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
  });

  it('xid-noise interleaves kernel text with the rows', async () => {
    const got = await lines(
      ['--query-gpu=index', '--format=csv,noheader', '-lms', '50'],
      { fault: 'xid-noise' },
      2,
    );
    assert.match(got[0] ?? '', /^Xid \(PCI:00000000:83:00.0\): 79/);
    assert.equal(got[1], '0');
  });
});

describe('stand-in nvidia-smi: loop', () => {
  it('follows the control file between idle and load, and logs each start', async () => {
    const control = join(scratch, 'control.json');
    const runLog = join(scratch, 'runs.log');
    writeNvidiaSmiControl(control, { table: 'idle' });
    const got = await lines(
      ['--query-gpu=power.draw', '--format=csv,noheader,nounits', '-lms', '50'],
      { controlFile: control, runLog },
      6,
      (n) => {
        if (n === 2) writeNvidiaSmiControl(control, { table: 'load' });
      },
    );
    assert.equal(got[0], '77.71');
    assert.equal(got.at(-1), '627.40');
    assert.equal(
      spawnSync('cat', [runLog], { encoding: 'utf8' }).stdout.trim().split('\n').length,
      1,
    );
  });

  it('loops in seconds with -l as well', async () => {
    const started = Date.now();
    const got = await lines(['--query-gpu=index', '--format=csv,noheader', '-l', '1'], {}, 2);
    assert.deepEqual(got, ['0', '0']);
    assert.ok(Date.now() - started >= 900);
  });

  it('advances the synthetic clock by exactly one period per tick', async () => {
    const got = await lines(
      ['--query-gpu=timestamp', '--format=csv,noheader', '-lms', '250'],
      { clock: 'synthetic' },
      3,
    );
    assert.deepEqual(got, [
      '2026/01/01 00:00:00.000',
      '2026/01/01 00:00:00.250',
      '2026/01/01 00:00:00.500',
    ]);
  });

  it('exits on its own once the reader is gone (broken pipe)', async () => {
    const child = spawn(
      nvidiaSmiPath,
      ['--query-gpu=index', '--format=csv,noheader', '-lms', '50'],
      {
        env: { PATH: process.env.PATH },
      },
    );
    await new Promise((resolve) => child.stdout.once('data', resolve));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.stdout.destroy();
    assert.equal(await exited, 141);
  });
});
