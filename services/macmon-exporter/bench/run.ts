// `pnpm bench`: steady-state RSS and CPU share of the real exporter at the 5 s interval, against
// the stand-in macmon and an OTLP sink, plus baselines that show what dominates, and the
// parse-and-record throughput. BENCH_SECONDS sets the steady-state run (default 180).

import { type ChildProcess, spawn } from 'node:child_process';
import { startOtlpSink } from '@llm-lab/testkit';
import { macmonStandinEnv, macmonStandinPath } from '@llm-lab/testkit/macmon';
import { LAUNCHD_NODE_FLAGS } from './node-flags.ts';
import { processStats } from './process-stats.ts';
import { measureThroughput } from './throughput.ts';

const MAIN = new URL('../dist/main.js', import.meta.url).pathname;
const seconds = Number(process.env.BENCH_SECONDS ?? 180);
const WARMUP_S = Math.min(30, Math.floor(seconds / 4));

interface Steady {
  cpuPercent: number;
  rssMedianMiB: number;
  rssMaxMiB: number;
}

async function main(): Promise<void> {
  const sink = await startOtlpSink();
  const env = {
    ...process.env,
    ...macmonStandinEnv(),
    MACMON_PATH: macmonStandinPath,
    MACMON_INTERVAL_MS: '5000',
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    OTEL_METRIC_EXPORT_INTERVAL: '5000',
    LAB_HOST_NAME: 'bench',
    LOG_LEVEL: 'warn',
  };

  const baselineS = Math.min(30, seconds);
  const bare = await steadyState(
    spawn(process.execPath, ['-e', 'setInterval(() => {}, 5000)']),
    baselineS,
  );
  const telemetryOnly = await steadyState(
    spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { startTelemetry } from '@llm-lab/otel'; startTelemetry({ serviceName: 'bench', instrument: { http: false, undici: false, fastify: false } }); setInterval(() => {}, 5000);",
      ],
      { env, cwd: new URL('..', import.meta.url).pathname },
    ),
    baselineS,
  );
  // The two exporter runs overlap in time so that they see the same machine load.
  const [exporter, launchd] = await Promise.all([
    steadyState(spawn(process.execPath, [MAIN], { env, stdio: 'ignore' }), seconds),
    steadyState(
      spawn(process.execPath, [...LAUNCHD_NODE_FLAGS, MAIN], { env, stdio: 'ignore' }),
      seconds,
    ),
  ]);
  const exports = sink.requestCount;
  await sink.close();

  const throughput = await measureThroughput();
  const row = (name: string, s: Steady) =>
    `| ${name} | ${s.rssMedianMiB.toFixed(1)} | ${s.rssMaxMiB.toFixed(1)} | ${s.cpuPercent.toFixed(3)} |`;
  process.stdout.write(
    [
      `node ${process.version}, ${process.platform}/${process.arch}; steady state after ${WARMUP_S} s warm-up`,
      '',
      '| process | RSS median MiB | RSS max MiB | CPU % of one core |',
      '|---|---|---|---|',
      row(`node, idle (${baselineS} s)`, bare),
      row(`node + startTelemetry, idle (${baselineS} s)`, telemetryOnly),
      row(`macmon-exporter, 5 s interval (${seconds} s)`, exporter),
      row(`macmon-exporter with ${LAUNCHD_NODE_FLAGS.join(' ')} (${seconds} s)`, launchd),
      '',
      `OTLP export requests received during the exporter runs: ${exports}`,
      `parse only: ${Math.round(throughput.parseOnlyPerS).toLocaleString('en')} lines/s`,
      `parse and record: ${Math.round(throughput.parseAndRecordPerS).toLocaleString('en')} lines/s`,
      '',
    ].join('\n'),
  );
}

async function steadyState(child: ChildProcess, runSeconds: number): Promise<Steady> {
  const pid = child.pid!;
  const warmup = Math.min(WARMUP_S, Math.floor(runSeconds / 4));
  await sleep(warmup * 1000);
  const first = processStats(pid);
  const startedAt = performance.now();
  const rss: number[] = [];
  while (performance.now() - startedAt < (runSeconds - warmup) * 1000) {
    await sleep(1000);
    rss.push(processStats(pid).rssMiB);
  }
  const last = processStats(pid);
  const wallMs = performance.now() - startedAt;

  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  rss.sort((a, b) => a - b);
  return {
    cpuPercent: ((last.cpuMs - first.cpuMs) / wallMs) * 100,
    rssMedianMiB: rss[Math.floor(rss.length / 2)] ?? 0,
    rssMaxMiB: rss.at(-1) ?? 0,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

await main();
