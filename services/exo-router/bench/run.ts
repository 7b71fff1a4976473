import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LatencyStats, runCompletions, runStreams } from './load.ts';
import {
  type Child,
  routerMain,
  startRouter,
  startSimulator,
  startSink,
  writeRouterConfig,
} from './processes.ts';
import { type CompletionRow, report } from './report.ts';

// The router's added cost against calling the EXO simulator directly, side by side in one run,
// with telemetry off and on (OTLP to a sink). Everything listens on 127.0.0.1.
// Run: pnpm --filter @llm-lab/exo-router bench   (needs `pnpm build` first)

const EXO_ID = 'mlx-community/Llama-3.2-1B-Instruct-4bit';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const concurrencies = [1, 16, 64];
const messages = [{ role: 'user', content: 'Say hello in five words please' }];

interface Targets {
  sim: string;
  off: Child;
  on: Child;
}

if (!existsSync(routerMain)) {
  console.error('dist/main.js is missing: run `pnpm build` in services/exo-router first');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'exo-router-bench-'));
const started = Date.now();
try {
  const rows = await phase(['--tokens-per-second', '0', '--prefill-ms', '0'], async (t) => {
    const out: CompletionRow[] = [];
    for (const concurrency of concurrencies) {
      const measure = (url: string, model: string) =>
        runCompletions(url, { model, messages, max_tokens: 4 }, concurrency, SECONDS * 1000);
      const direct = await measure(t.sim, EXO_ID);
      const off = await withCpu(t.off, () => measure(t.off.url, 'llama-1b'));
      const on = await withCpu(t.on, () => measure(t.on.url, 'llama-1b'));
      out.push({ concurrency, direct, off, on });
    }
    return out;
  });

  const paced = await phase(['--tokens-per-second', '200', '--prefill-ms', '20'], async (t) => {
    const plain = (url: string, model: string) =>
      runCompletions(url, { model, messages, max_tokens: 4 }, 16, SECONDS * 1000);
    const stream = (url: string, model: string) =>
      runStreams(url, { model, messages, max_tokens: 20 }, 4, SECONDS * 1000);
    return {
      plain: {
        direct: await plain(t.sim, EXO_ID),
        off: await plain(t.off.url, 'llama-1b'),
        on: await plain(t.on.url, 'llama-1b'),
      },
      streams: {
        direct: await stream(t.sim, EXO_ID),
        off: await stream(t.off.url, 'llama-1b'),
        on: await stream(t.on.url, 'llama-1b'),
      },
    };
  });

  process.stdout.write(report(rows, paced.plain, paced.streams));
  const wall = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(`\nwall time ${wall} s, ${SECONDS} s per cell, node ${process.version}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Router CPU time per request: unlike latency, immune to what else the machine is running.
async function withCpu(router: Child, run: () => Promise<LatencyStats>) {
  const before = router.cpuSeconds();
  const stats = await run();
  return { ...stats, cpuUs: ((router.cpuSeconds() - before) / Math.max(stats.requests, 1)) * 1e6 };
}

// One simulator (with the given pacing), a sink and two routers in front of it, warmed up.
async function phase<T>(simArgs: string[], body: (targets: Targets) => Promise<T>): Promise<T> {
  const children: Child[] = [];
  const start = async (child: Promise<Child>) => {
    children.push(await child);
    return children.at(-1)!;
  };
  try {
    const sim = await start(
      startSimulator(['--download-ms', '10', '--load-ms', '10', '--warmup-ms', '10', ...simArgs]),
    );
    const sink = await start(startSink());
    const config = join(dir, 'router.yaml');
    writeRouterConfig(config, sim.url);
    const off = await start(startRouter(config, { OTEL_SDK_DISABLED: 'true' }));
    const on = await start(
      startRouter(config, {
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_LOGS_EXPORTER: 'none',
      }),
    );

    // The first request loads the model; then every path is warmed.
    await runCompletions(off.url, { model: 'llama-1b', messages, max_tokens: 2 }, 1, 300);
    for (const [url, model] of [
      [sim.url, EXO_ID],
      [off.url, 'llama-1b'],
      [on.url, 'llama-1b'],
    ] as const) {
      await runCompletions(url, { model, messages, max_tokens: 2 }, 4, 300);
    }
    return await body({ sim: sim.url, off, on });
  } finally {
    for (const child of children.reverse()) await child.stop();
  }
}
