// pnpm demo [-- --duration 60 --price-per-kwh 0.30 --out DIR]: the whole lab on this machine,
// from recorded input, with a live view and a summary per cluster.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type ClientTally, runScript } from './client.ts';
import { MAC_MODELS, NVIDIA_MODEL, startLab } from './lab.ts';
import { summarize } from './summary.ts';
import { type RunningModel, renderFrame, renderLine } from './view.ts';

const HELP = `pnpm demo [-- flags]: runs the whole lab on 127.0.0.1 from recorded input
  --duration <s>        how long to run before stopping by itself (default 60)
  --price-per-kwh <n>   electricity price used for the cost per 1k tokens (default 0.30)
  --ttl <s>             idle TTL of the Mac models (default: a fifth of the duration, at least 3)
  --interval-ms <n>     sampling and export interval of the exporters (default 500)
  --out <dir>           where the summary, raw telemetry and logs go (default demo-output/<time>)
  --help                this text`;

const flags = readFlags();
const outDir = resolve(flags.out);
try {
  mkdirSync(outDir, { recursive: true });
} catch (err) {
  console.error(`demo: cannot use --out ${flags.out}: ${(err as Error).message}`);
  process.exit(2);
}

const started = Date.now();
const lab = await startLab({ outDir, ttlSeconds: flags.ttl, intervalMs: flags.intervalMs });
const traffic = new AbortController();
let tallies = new Map<string, ClientTally>();
let stopping = false;

process.once('SIGINT', () => void finish('interrupted'));
process.once('SIGTERM', () => void finish('interrupted'));
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.once(event, (err) => {
    console.error('demo: failed:', err);
    void finish('failed');
  });
}

const view = setInterval(() => void draw(), process.stdout.isTTY ? 1_000 : 5_000);
const script = runScript({
  routerUrl: lab.routerUrl,
  durationMs: flags.duration * 1000,
  macModels: Object.keys(MAC_MODELS) as [string, string],
  nvidiaModel: NVIDIA_MODEL,
  onNvidiaBusy: lab.setNvidiaBusy,
  signal: traffic.signal,
  onTally: (latest) => {
    tallies = latest;
  },
});
setTimeout(() => void finish('done'), flags.duration * 1000);
tallies = await script;

async function draw() {
  if (stopping) return;
  const frame = {
    elapsedS: (Date.now() - started) / 1000,
    durationS: flags.duration,
    models: await running(),
    tallies: [...tallies.values()],
    summary: summarize(lab.sink, flags.pricePerKwh),
  };
  if (stopping) return;
  process.stdout.write(
    process.stdout.isTTY ? `\x1b[H\x1b[2J${renderFrame(frame)}\n` : `${renderLine(frame)}\n`,
  );
}

async function running(): Promise<RunningModel[]> {
  try {
    const response = await fetch(`${lab.routerUrl}/running`, {
      signal: AbortSignal.timeout(1_000),
    });
    const body = (await response.json()) as { models?: RunningModel[] };
    return body.models ?? [];
  } catch {
    return [];
  }
}

async function finish(reason: 'done' | 'interrupted' | 'failed') {
  if (stopping) return;
  stopping = true;
  clearInterval(view);
  traffic.abort();
  const elapsedS = (Date.now() - started) / 1000;

  // Let the exporters send what they measured last, unless the user wants out now.
  if (reason === 'done') await new Promise((resolve) => setTimeout(resolve, flags.intervalMs * 3));
  const models = reason === 'done' ? await running() : [];
  const pids = lab.processes.pids;
  let code = { done: 0, interrupted: 130, failed: 1 }[reason];
  try {
    // Ctrl-C means now: children get a short grace to flush, then SIGKILL.
    await lab.stop(reason === 'done' ? 5_000 : 1_500);
    report(reason, elapsedS, models, pids);
  } catch (err) {
    console.error('demo: could not write the summary:', err);
    code = 1;
  } finally {
    process.exit(code);
  }
}

function report(reason: string, elapsedS: number, models: RunningModel[], pids: number[]) {
  const summary = summarize(lab.sink, flags.pricePerKwh);
  const clientTallies = [...tallies.values()];
  writeFileSync(
    join(outDir, 'summary.json'),
    json({ reason, elapsedS, summary, client: clientTallies, pids, ports: lab.ports }),
  );
  writeFileSync(
    join(outDir, 'telemetry.json'),
    json({ points: allPoints(), spans: lab.sink.spans(), logs: lab.sink.logs() }),
  );
  const frame = { elapsedS, durationS: flags.duration, models, tallies: clientTallies, summary };
  process.stdout.write(`\n${renderFrame(frame)}\n\nsummary, raw telemetry and logs: ${outDir}\n`);
}

function allPoints() {
  return [...lab.sink.metricNames()].flatMap((name) => lab.sink.metricPoints(name));
}

function json(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

function readFlags() {
  // `pnpm demo -- --duration 20` hands the `--` on; it is not an end-of-flags marker here.
  const args = process.argv.slice(2);
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(args[0] === '--' ? args.slice(1) : args);
  } catch (err) {
    return usageError([(err as Error).message]);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }

  const duration = Number(values.duration);
  const pricePerKwh = Number(values['price-per-kwh']);
  const intervalMs = Number(values['interval-ms']);
  const ttl = values.ttl === undefined ? Math.max(3, Math.round(duration / 5)) : Number(values.ttl);
  const problems = [
    !(duration >= 10) &&
      `--duration must be a number of seconds, at least 10; received ${values.duration}`,
    !(pricePerKwh >= 0) &&
      `--price-per-kwh must be a number, 0 or more; received ${values['price-per-kwh']}`,
    !(intervalMs >= 100) && `--interval-ms must be at least 100; received ${values['interval-ms']}`,
    values.ttl !== undefined &&
      !(ttl >= 1) &&
      `--ttl must be at least 1 second; received ${values.ttl}`,
  ].filter((problem): problem is string => typeof problem === 'string');
  if (problems.length > 0) usageError(problems);
  return { duration, pricePerKwh, intervalMs, ttl, out: values.out };
}

function usageError(problems: string[]): never {
  console.error(`demo: ${problems.join('\n      ')}\n\n${HELP}`);
  process.exit(2);
}

function parseFlags(args: string[]) {
  return parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '60' },
      'price-per-kwh': { type: 'string', default: '0.30' },
      ttl: { type: 'string' },
      'interval-ms': { type: 'string', default: '500' },
      out: {
        type: 'string',
        default: join('demo-output', new Date().toISOString().replace(/[:.]/g, '-')),
      },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
}
