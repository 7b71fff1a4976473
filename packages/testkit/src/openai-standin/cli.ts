import { parseArgs } from 'node:util';
import { type OpenAiStandInOptions, startOpenAiStandIn } from './index.ts';

const HELP = `llama-swap-standin: a llama-swap / llama-server stand-in for tests and the demo (127.0.0.1).

Usage: llama-swap-standin [flags]

  --host <addr>              listen address (default 127.0.0.1)
  --port <n>                 listen port (default 0: any free port; llama-swap in the lab uses 4004)
  --model <name>             a model it serves (repeatable; default qwen2.5-coder-32b, gpt-oss-20b)
  --tokens-per-second <n>    generation rate (default 200)
  --prefill-ms <n>           time to first token (default 20)
  --swap-ms <n>              start-up of a model that is not running (default 100)
  --completion-tokens <n>    reply length without max_tokens (default 16)
  --api-key <key>            require Authorization: Bearer <key>
  --help                     this text

Prints {"url":"http://HOST:PORT"} on one line when listening; stops on SIGTERM or SIGINT.`;

const NUMERIC = {
  port: 'port',
  'tokens-per-second': 'tokensPerSecond',
  'prefill-ms': 'prefillMs',
  'swap-ms': 'swapMs',
  'completion-tokens': 'completionTokens',
} as const;

async function main(argv: string[]): Promise<void> {
  let options: OpenAiStandInOptions | 'help';
  try {
    options = parse(argv);
  } catch (error) {
    console.error(`llama-swap-standin: ${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${HELP}\n`);
    return;
  }

  const standIn = await startOpenAiStandIn(options);

  const stop = () => {
    // Bounded: a stuck close must not keep the process alive.
    setTimeout(() => process.exit(0), 2000).unref();
    standIn.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  // Only once the handlers are in place: a parent may signal as soon as it reads the URL.
  process.stdout.write(`${JSON.stringify({ url: standIn.url })}\n`);
}

function parse(argv: string[]): OpenAiStandInOptions | 'help' {
  const numeric = Object.fromEntries(
    Object.keys(NUMERIC).map((name) => [name, { type: 'string' as const }]),
  );
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...numeric,
      host: { type: 'string' },
      model: { type: 'string', multiple: true },
      'api-key': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';

  const options: OpenAiStandInOptions = {};
  for (const [flag, key] of Object.entries(NUMERIC)) {
    const raw = (values as Record<string, unknown>)[flag];
    if (typeof raw !== 'string') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`--${flag} expects a number >= 0, got "${raw}"`);
    }
    options[key] = value;
  }
  if (typeof values.host === 'string') options.host = values.host;
  if (Array.isArray(values.model)) options.models = values.model as string[];
  if (typeof values['api-key'] === 'string') options.apiKey = values['api-key'];
  return options;
}

await main(process.argv.slice(2));
