import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleStandInChat } from './chat.ts';
import type { StandInState } from './index.ts';

const MAX_RECORDED = 10_000;

const ERROR_KINDS: Record<number, [string, string]> = {
  400: ['invalid_request_error', 'bad_request'],
  401: ['authentication_error', 'unauthorized'],
  404: ['invalid_request_error', 'not_found'],
  502: ['server_error', 'bad_gateway'],
};

/** llama-swap's routes that clients and exo-router use, answered in its shapes. */
export function createStandInServer(state: StandInState): Server {
  return createServer((req, res) => {
    handle(state, req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else sendError(res, 502, 'stand-in failed to answer');
    });
  });
}

async function handle(
  state: StandInState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const text = await readText(req);
  const body = parseBody(text);
  state.requests.push({ method, path: url.pathname, headers: flatHeaders(req), body });
  // Bounded, so a long demo run does not grow without limit; oldest entries go first.
  if (state.requests.length > MAX_RECORDED)
    state.requests.splice(0, state.requests.length - MAX_RECORDED);

  if (method === 'GET' && url.pathname === '/health') {
    // Always "OK": it says nothing about models.
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('OK');
    return;
  }
  if (!authorised(state, req))
    return sendError(res, 401, 'unauthorized: invalid or missing API key');

  const path = url.pathname.replace(/^\/v(?=\/)/, '');
  if (method === 'GET' && (path === '/v1/models' || path === '/models')) {
    sendJson(res, 200, {
      object: 'list',
      data: state.options.models.map((id) => modelEntry(state, id)),
    });
  } else if (method === 'GET' && path === '/running') {
    sendJson(res, 200, { running: state.running ? [runningEntry(state.running)] : [] });
  } else if (method === 'POST' && path === '/v1/chat/completions') {
    state.stats.chatCalls += 1;
    await handleStandInChat(state, req, res, body);
  } else {
    sendError(res, 404, `not found: ${method} ${url.pathname}`);
  }
}

function authorised(state: StandInState, req: IncomingMessage): boolean {
  const key = state.options.apiKey;
  if (!key) return true;
  const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '');
  return bearer === key || req.headers['x-api-key'] === key;
}

function modelEntry(state: StandInState, id: string): Record<string, unknown> {
  return {
    id,
    object: 'model',
    created: Math.floor(Date.now() / 1000),
    owned_by: 'llama-swap',
    status: { value: state.running === id ? 'loaded' : 'unloaded' },
  };
}

function runningEntry(model: string): Record<string, unknown> {
  return {
    model,
    state: 'ready',
    cmd: `llama-server --port 5800 -m /models/${model}.gguf`,
    proxy: 'http://127.0.0.1:5800',
    ttl: 0,
    name: '',
    description: '',
  };
}

/** llama-swap's JSON error object: `{"src":"llama-swap","error":{message,type,param,code}}`. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  const [type, code] = ERROR_KINDS[status] ?? ['server_error', 'internal_error'];
  sendJson(res, status, { src: 'llama-swap', error: { message, type, param: null, code } });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
