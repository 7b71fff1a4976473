import type { AddressInfo } from 'node:net';
import { createStandInServer } from './server.ts';

export interface OpenAiStandInOptions {
  /** Model names it serves (default: two llama-swap style names). */
  models?: string[];
  /** Generation rate (default 200); 0 means as fast as possible. */
  tokensPerSecond?: number;
  /** Delay before the first token (default 20 ms). */
  prefillMs?: number;
  /** Start-up of a model that is not the one running, as llama-swap starts llama-server (default 100 ms). */
  swapMs?: number;
  /** Reply length when max_tokens is absent (default 16). */
  completionTokens?: number;
  /** When set, requests need `Authorization: Bearer <key>` (llama-swap `apiKeys`). */
  apiKey?: string;
  host?: string;
  port?: number;
}

export interface StandInRequest {
  method: string;
  path: string;
  /** Lower-case header names, including `traceparent` when sent. */
  headers: Record<string, string>;
  body?: unknown;
}

export interface OpenAiStandIn {
  url: string;
  requests: StandInRequest[];
  /** chatCalls: chat requests received; swaps: model starts (first use, or after another model ran). */
  stats: { chatCalls: number; swaps: number };
  /** Change speeds at runtime. */
  set(options: Partial<OpenAiStandInOptions>): void;
  close(): Promise<void>;
}

export interface StandInState {
  options: Required<Omit<OpenAiStandInOptions, 'apiKey'>> & { apiKey?: string };
  stats: OpenAiStandIn['stats'];
  requests: StandInRequest[];
  /** The model llama-swap has running (one at a time, its default group), and its pending start. */
  running?: string;
  swapping?: { model: string; done: Promise<void> };
}

/** Starts a llama-swap / llama-server stand-in on 127.0.0.1 (port 0 unless given). */
export async function startOpenAiStandIn(
  options: OpenAiStandInOptions = {},
): Promise<OpenAiStandIn> {
  const state: StandInState = {
    options: {
      models: ['qwen2.5-coder-32b', 'gpt-oss-20b'],
      tokensPerSecond: 200,
      prefillMs: 20,
      swapMs: 100,
      completionTokens: 16,
      host: '127.0.0.1',
      port: 0,
      ...withoutUndefined(options),
    },
    stats: { chatCalls: 0, swaps: 0 },
    requests: [],
  };
  const server = createStandInServer(state);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(state.options.port, state.options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${state.options.host}:${port}`,
    requests: state.requests,
    stats: state.stats,
    set: (update) => Object.assign(state.options, withoutUndefined(update)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
