import OpenAI from 'openai';

export interface ClientTally {
  model: string;
  requests: number;
  failures: number;
  streams: number;
  inputTokens: number;
  outputTokens: number;
  /** Client-side time to the first content chunk of each stream, ms. */
  ttftMs: number[];
  lastError?: string;
}

export interface ScriptOptions {
  routerUrl: string;
  durationMs: number;
  /** Mac models: the first is used early then left to idle out, the second later. */
  macModels: [string, string];
  nvidiaModel: string;
  /** Called around requests to the NVIDIA side, so its power can follow the load. */
  onNvidiaBusy?: (busy: boolean) => void;
  signal: AbortSignal;
  /** Called with the running tallies each time a request ends. */
  onTally?: (tallies: Map<string, ClientTally>) => void;
}

const PROMPTS = [
  'Explain unified memory on Apple silicon in one paragraph.',
  'Write a haiku about a GPU fan.',
  'List three ways to measure tokens per watt.',
  'Summarise what an OpenTelemetry collector does.',
];

/**
 * The demo's scripted traffic through the router with the official OpenAI client: a cold
 * request (the load is visible), warm requests and streams on the Mac side, requests to the
 * NVIDIA side, then a switch to a second Mac model so the first one idles out.
 */
export async function runScript(options: ScriptOptions): Promise<Map<string, ClientTally>> {
  const client = new OpenAI({
    baseURL: `${options.routerUrl}/v1`,
    apiKey: 'demo',
    maxRetries: 0,
    timeout: 120_000,
  });
  const tallies = new Map<string, ClientTally>();
  const started = Date.now();
  const switchAt = started + options.durationMs * 0.35;
  const stopAt = started + options.durationMs - 1_500;
  const [first, second] = options.macModels;
  let turn = 0;

  // One cold request first, so the load shows on its own.
  await request(client, tallies, first, false, options.signal);
  options.onTally?.(tallies);

  const worker = async (side: 'mac' | 'nvidia') => {
    while (Date.now() < stopAt && !options.signal.aborted) {
      turn += 1;
      const stream = turn % 2 === 0;
      if (side === 'mac') {
        await request(
          client,
          tallies,
          Date.now() < switchAt ? first : second,
          stream,
          options.signal,
        );
        options.onTally?.(tallies);
      } else {
        options.onNvidiaBusy?.(true);
        await request(client, tallies, options.nvidiaModel, stream, options.signal);
        options.onNvidiaBusy?.(false);
        options.onTally?.(tallies);
        await pause(400, options.signal);
      }
    }
  };
  await Promise.all([worker('mac'), worker('nvidia')]);
  return tallies;
}

async function request(
  client: OpenAI,
  tallies: Map<string, ClientTally>,
  model: string,
  stream: boolean,
  signal: AbortSignal,
) {
  const tally = tallyFor(tallies, model);
  const messages = [
    { role: 'user' as const, content: PROMPTS[tally.requests % PROMPTS.length] ?? '' },
  ];
  tally.requests += 1;
  try {
    if (!stream) {
      const reply = await client.chat.completions.create(
        { model, messages, max_tokens: 24 },
        { signal },
      );
      tally.inputTokens += reply.usage?.prompt_tokens ?? 0;
      tally.outputTokens += reply.usage?.completion_tokens ?? 0;
      return;
    }

    tally.streams += 1;
    const sent = Date.now();
    let first = true;
    const chunks = await client.chat.completions.create(
      { model, messages, max_tokens: 32, stream: true, stream_options: { include_usage: true } },
      { signal },
    );
    for await (const chunk of chunks) {
      if (first && chunk.choices[0]?.delta?.content) {
        tally.ttftMs.push(Date.now() - sent);
        first = false;
      }
      if (chunk.usage) {
        tally.inputTokens += chunk.usage.prompt_tokens;
        tally.outputTokens += chunk.usage.completion_tokens;
      }
    }
  } catch (err) {
    if (signal.aborted) return;
    tally.failures += 1;
    tally.lastError = (err as Error).message;
  }
}

function tallyFor(tallies: Map<string, ClientTally>, model: string): ClientTally {
  let tally = tallies.get(model);
  if (!tally) {
    tally = {
      model,
      requests: 0,
      failures: 0,
      streams: 0,
      inputTokens: 0,
      outputTokens: 0,
      ttftMs: [],
    };
    tallies.set(model, tally);
  }
  return tally;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
