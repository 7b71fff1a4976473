import type { RouterError } from '../errors.ts';
import {
  type Api,
  inspectPayload,
  outputTextOf,
  rewritePayload,
  roleChunk,
  type Usage,
} from './payload.ts';

// Passes an upstream SSE stream on as it arrives. Each upstream chunk yields at most one write;
// only an incomplete trailing line is held back. In 'rewrite' mode (EXO) every data event is
// rewritten; in 'observe' mode the bytes go through untouched and are only read.

export interface StreamFacts {
  usage: Usage;
  firstOutputAt?: number;
  terminal: boolean;
  error: boolean;
  dataEvents: number;
  /** Generated text, kept only when `collectText` is set (telemetry.recordContent). */
  text?: string;
}

export interface StreamRelay {
  push(chunk: Buffer): string | Buffer | undefined;
  /** The rest of the stream; throws nothing. `interrupted` is true when no normal end was seen. */
  end(): { tail: string | undefined; interrupted: boolean };
  readonly facts: StreamFacts;
}

export interface StreamRelayOptions {
  api: Api;
  mode: 'rewrite' | 'observe';
  model: string;
  /** Quoted occurrences of this id in comments are replaced by `model` (prefill_progress). */
  upstreamModel?: string;
  collectText?: boolean;
  now: () => number;
}

const maxCollected = 16 * 1024;

/** What ends each API's stream normally, named in the stream_interrupted message. */
const normalEnd: Record<Api, string> = {
  chat: '[DONE]',
  messages: 'message_stop event',
  responses: 'response.completed event',
};

export function createStreamRelay(options: StreamRelayOptions): StreamRelay {
  const decoder = new TextDecoder();
  const facts: StreamFacts = { usage: {}, terminal: false, error: false, dataEvents: 0 };
  let partial = '';
  let sentRoleChunk = options.api !== 'chat';

  const observe = (payload: Record<string, unknown>) => {
    const found = inspectPayload(options.api, payload);
    if (found.usage.input !== undefined) facts.usage.input = found.usage.input;
    if (found.usage.output !== undefined) facts.usage.output = found.usage.output;
    if (found.hasOutput && facts.firstOutputAt === undefined) facts.firstOutputAt = options.now();
    if (found.terminal) facts.terminal = true;
    if (found.error) facts.error = true;
    if (options.collectText && (facts.text ?? '').length < maxCollected) {
      facts.text = `${facts.text ?? ''}${outputTextOf(options.api, payload)}`.slice(
        0,
        maxCollected,
      );
    }
  };

  const handleLine = (line: string): string => {
    if (!line.startsWith('data:')) return rewriteComment(line, options);

    const data = line.slice(line.charAt(5) === ' ' ? 6 : 5);
    facts.dataEvents += 1;
    if (data === '[DONE]') {
      facts.terminal = true;
      return line;
    }
    const payload = parseJson(data);
    if (payload === undefined) return line;
    if (options.mode === 'observe' && !options.collectText && !mayMatter(data, facts)) return line;

    observe(payload);
    if (options.mode === 'observe') return line;

    rewritePayload(options.api, payload, { model: options.model, chunk: true });
    let prefix = '';
    if (!sentRoleChunk && payload.error === undefined) {
      sentRoleChunk = true;
      prefix = `data: ${JSON.stringify(roleChunk(payload))}\n\n`;
    }
    return `${prefix}data: ${JSON.stringify(payload)}`;
  };

  const consume = (text: string): string => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    let out = '';
    for (const raw of lines) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      out += `${handleLine(line)}\n`;
    }
    return out;
  };

  return {
    facts,
    push(chunk) {
      const out = consume(decoder.decode(chunk, { stream: true }));
      if (options.mode === 'observe') return chunk;
      return out === '' ? undefined : out;
    },
    end() {
      const rest = consume(`${decoder.decode()}${partial === '' ? '' : '\n'}`);
      const interrupted = !facts.terminal;
      const tail = options.mode === 'rewrite' ? rest : undefined;
      if (!interrupted) return { tail: tail || undefined, interrupted };
      const message = `the upstream stream ended before its normal end (no ${normalEnd[options.api]}); the answer is incomplete`;
      return {
        tail: `${tail ?? ''}${sseErrorEvent(options.api, 'stream_interrupted', message)}`,
        interrupted,
      };
    },
  };
}

/** One SSE error event in the API's own streaming error form. */
export function sseErrorEvent(api: Api, code: RouterError['code'], message: string): string {
  if (api === 'messages') {
    const body = { type: 'error', error: { type: 'api_error', message } };
    return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
  }
  if (api === 'responses') {
    return `event: error\ndata: ${JSON.stringify({ type: 'error', code, message, param: null })}\n\n`;
  }
  return `data: ${JSON.stringify({ error: { message, type: 'server_error', code } })}\n\n`;
}

// In observe mode, skip parsing chunks that cannot change what we measure.
function mayMatter(data: string, facts: StreamFacts): boolean {
  return facts.firstOutputAt === undefined || data.includes('usage') || data.includes('"type"');
}

function rewriteComment(line: string, options: StreamRelayOptions): string {
  if (options.mode === 'observe' || !options.upstreamModel || !line.startsWith(':')) return line;
  return line.replaceAll(`"${options.upstreamModel}"`, JSON.stringify(options.model));
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object'
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
