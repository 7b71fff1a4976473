import { parseArgs } from 'node:util';
import {
  type ExoSimulatorOptions,
  type SimFaults,
  type SimModel,
  type SimNode,
  startExoSimulator,
} from './index.ts';

const HELP = `exo-sim: an EXO 1.x API simulator for tests and the demo (listens on 127.0.0.1).

Usage: exo-sim [flags]

  --host <addr>              listen address (default 127.0.0.1)
  --port <n>                 listen port (default 0: any free port; EXO uses 52415)
  --node <name:size>         a node and its RAM, e.g. mac-studio:64GiB (repeatable; default one 64 GiB node)
  --model <id:size[:layers]> a catalogue model, e.g. mlx-community/Qwen3-0.6B-4bit:350MB:28 (repeatable)
  --download-ms <n>          download time per model and node (default 200)
  --load-ms <n>              layer loading time (default 200)
  --warmup-ms <n>            warm-up time (default 100)
  --tokens-per-second <n>    generation rate (default 200)
  --prefill-ms <n>           time to first token once ready (default 20)
  --completion-tokens <n>    reply length without max_tokens (default 16)
  --keep-alive-ms <n>        interval of ': keep-alive' stream comments (default 10000)
  --fault <name[=value]>     start with a fault on: runnerFailed=<msg>, downloadFailed=<msg>,
                             loadingStalls, vanishRunner, deleteInstanceMidStream[=<tokens>],
                             nullDeltaFields, legacyServer, unreachable (repeatable)
  --help                     this text

Prints {"url":"http://HOST:PORT"} on one line when listening; stops on SIGTERM or SIGINT.`;

const NUMERIC = {
  'download-ms': 'downloadMs',
  'load-ms': 'loadMs',
  'warmup-ms': 'warmupMs',
  'tokens-per-second': 'tokensPerSecond',
  'prefill-ms': 'prefillMs',
  'completion-tokens': 'completionTokens',
  'keep-alive-ms': 'keepAliveMs',
  port: 'port',
} as const;

async function main(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    console.error(`exo-sim: ${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (parsed === 'help') {
    process.stdout.write(`${HELP}\n`);
    return;
  }

  const sim = await startExoSimulator(parsed.options);
  Object.assign(sim.faults, parsed.faults);

  const stop = () => {
    // Bounded: a stuck close must not keep the process alive.
    setTimeout(() => process.exit(0), 2000).unref();
    sim.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  // Only once the handlers are in place: a parent may signal as soon as it reads the URL.
  process.stdout.write(`${JSON.stringify({ url: sim.url })}\n`);
}

function parse(argv: string[]): 'help' | { options: ExoSimulatorOptions; faults: SimFaults } {
  const numeric = Object.fromEntries(
    Object.keys(NUMERIC).map((name) => [name, { type: 'string' as const }]),
  );
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...numeric,
      host: { type: 'string' },
      node: { type: 'string', multiple: true },
      model: { type: 'string', multiple: true },
      fault: { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';

  const options: ExoSimulatorOptions = {};
  for (const [flag, key] of Object.entries(NUMERIC)) {
    const raw = (values as Record<string, unknown>)[flag];
    if (typeof raw !== 'string') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`--${flag} expects a number >= 0, got "${raw}"`);
    options[key] = value;
  }
  if (typeof values.host === 'string') options.host = values.host;
  if (Array.isArray(values.node)) options.nodes = values.node.map(parseNode);
  if (Array.isArray(values.model)) options.models = values.model.map(parseModel);

  const faults: SimFaults = {};
  for (const fault of (values.fault as string[] | undefined) ?? [])
    Object.assign(faults, parseFault(fault));
  return { options, faults };
}

function parseNode(text: string): SimNode {
  const at = text.lastIndexOf(':');
  if (at <= 0) throw new Error(`--node expects name:size (e.g. mac-studio:64GiB), got "${text}"`);
  return { name: text.slice(0, at), memoryBytes: parseSize(text.slice(at + 1), '--node') };
}

function parseModel(text: string): SimModel {
  const parts = text.split(':');
  const layers = parts.length >= 3 ? Number(parts.pop()) : undefined;
  const size = parts.pop();
  const id = parts.join(':');
  if (!id || !size) throw new Error(`--model expects id:size[:layers], got "${text}"`);
  if (layers !== undefined && !(Number.isInteger(layers) && layers > 0)) {
    throw new Error(`--model layers must be a positive integer, got "${text}"`);
  }
  return layers === undefined
    ? { id, sizeBytes: parseSize(size, '--model') }
    : { id, sizeBytes: parseSize(size, '--model'), nLayers: layers };
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

function parseSize(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  if (!match || unit === undefined)
    throw new Error(`${flag} size must look like 64GiB, 512MB or 1000000, got "${text}"`);
  return Math.round(Number(match[1]) * unit);
}

function parseFault(text: string): SimFaults {
  const [name = '', ...rest] = text.split('=');
  const value = rest.join('=');
  switch (name) {
    case 'runnerFailed':
      return { runnerFailed: value || 'Terminated (signal=9 (Killed))' };
    case 'downloadFailed':
      return { downloadFailed: value || 'Download failed' };
    case 'deleteInstanceMidStream':
      return { deleteInstanceMidStream: value ? { afterTokens: Number(value) } : true };
    case 'loadingStalls':
    case 'vanishRunner':
    case 'nullDeltaFields':
    case 'legacyServer':
    case 'unreachable':
      return { [name]: true };
    default:
      throw new Error(`--fault: unknown fault "${name}"`);
  }
}

// Last, so every constant above is initialised before the first line runs.
await main(process.argv.slice(2));
