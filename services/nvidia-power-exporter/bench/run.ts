// Benchmark: RSS and CPU share of the real exporter process with 8 GPUs at 1 s and 5 s intervals,
// and rows per second through the parser. Run after a build: `pnpm bench`.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startOtlpSink } from '@llm-lab/testkit';
import { nvidiaSmiEnv, nvidiaSmiPath } from '@llm-lab/testkit/nvidia-smi';
import { GpuStore } from '../src/gpu/gpu-store.ts';
import { wantedFields } from '../src/smi/fields.ts';
import { parseRow } from '../src/smi/parse-row.ts';
import { productionNodeFlags } from '../test/support/exporter-process.ts';

const GPUS = 8;
const CLOCK_TICKS = 100; // USER_HZ on Linux
const mainJs = join(import.meta.dirname, '..', 'dist', 'main.js');
const standin = nvidiaSmiEnv({ gpus: GPUS, table: 'load' });
const running = new Set<ChildProcess>();

// Interrupted: stop the exporter under test too (it then stops its nvidia-smi).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGTERM');
    process.exit(130);
  });
}

await main();

async function main(): Promise<void> {
  const flags = productionNodeFlags();
  const results = [];
  for (const [intervalMs, windowMs, nodeFlags] of [
    [1000, 30_000, flags],
    [5000, 60_000, flags],
    [5000, 30_000, []],
  ] as const) {
    results.push(await measureProcess(intervalMs, windowMs, nodeFlags));
  }
  const parsing = measureParsing(2000);

  console.warn(
    `\nnvidia-power-exporter, ${GPUS} synthetic GPUs (H200 load row), node ${process.version}`,
  );
  console.warn('| node flags | interval | window | RSS at end | RSS max | CPU share of one core |');
  console.warn('|---|---|---|---|---|---|');
  for (const r of results) {
    const shown = r.nodeFlags.length > 0 ? r.nodeFlags.join(' ') : '(none)';
    console.warn(
      `| ${shown} | ${r.intervalMs / 1000} s | ${r.windowMs / 1000} s | ${mb(r.rssEnd)} | ${mb(r.rssMax)} | ${(r.cpuShare * 100).toFixed(2)} % |`,
    );
  }
  console.warn(
    `\nparse + record: ${Math.round(parsing).toLocaleString('en')} rows/s (${wantedFields.length} fields per row)`,
  );
}

async function measureProcess(intervalMs: number, windowMs: number, nodeFlags: readonly string[]) {
  const sink = await startOtlpSink();
  const child = spawn(process.execPath, [...nodeFlags, mainJs], {
    env: {
      PATH: process.env.PATH ?? '',
      NVIDIA_SMI_PATH: nvidiaSmiPath,
      NVIDIA_SMI_INTERVAL_MS: String(intervalMs),
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_METRIC_EXPORT_INTERVAL: '10000',
      OTEL_TRACES_EXPORTER: 'none',
      LOG_LEVEL: 'warn',
      ...standin,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  running.add(child);

  try {
    await sleep(Math.max(3000, 2 * intervalMs));
    const pid = child.pid ?? 0;
    const cpuBefore = cpuTicks(pid);
    const started = performance.now();
    let rssMax = 0;
    while (performance.now() - started < windowMs) {
      await sleep(500);
      rssMax = Math.max(rssMax, rss(pid));
    }
    const cpuSeconds = (cpuTicks(pid) - cpuBefore) / CLOCK_TICKS;
    const wallSeconds = (performance.now() - started) / 1000;
    if (sink.metricPoints('gpu.power.board').length === 0) {
      throw new Error(`no gpu.power.board point reached the sink at ${intervalMs} ms`);
    }
    return {
      intervalMs,
      windowMs,
      nodeFlags,
      rssEnd: rss(pid),
      rssMax,
      cpuShare: cpuSeconds / wallSeconds,
    };
  } finally {
    await stop(child);
    running.delete(child);
    await sink.close();
  }
}

/** Rows per second through parseRow and the per-GPU store, on rows the stand-in printed. */
function measureParsing(durationMs: number): number {
  const output = execFileSync(
    nvidiaSmiPath,
    [`--query-gpu=${wantedFields.join(',')}`, '--format=csv,noheader,nounits'],
    {
      env: { PATH: process.env.PATH ?? '', ...standin },
      encoding: 'utf8',
    },
  );
  const lines = output.trim().split('\n');
  const store = new GpuStore(1000);
  let rows = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    for (const line of lines) {
      const row = parseRow(line, wantedFields);
      if (row.kind === 'row') store.record(row, rows, rows);
      rows += 1;
    }
  }
  return rows / ((performance.now() - started) / 1000);
}

function cpuTicks(pid: number): number {
  // /proc/<pid>/stat fields 14 and 15: utime and stime, after the command name in parentheses.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function rss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 6000);
  await exited;
  clearTimeout(timer);
}
