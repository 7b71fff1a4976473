import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleAdmin } from './admin.ts';
import { handleMessages } from './anthropic.ts';
import { handleChat } from './chat.ts';
import { handleControl, type SimContext } from './control.ts';
import { invalidJson, parseJson, readText, sendJson } from './http.ts';
import type { RecordedRequest } from './index.ts';
import { handleLegacy } from './legacy.ts';
import { handleResponses } from './responses.ts';

/** The node:http server that answers like EXO's API (or like 0.x when that fault is on). */
export function createSimServer(ctx: SimContext, requests: RecordedRequest[]): Server {
  const server = createServer((req, res) => {
    handle(ctx, requests, req, res).catch(() => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal Server Error');
    });
  });

  // "Unreachable": every connection is reset before a byte is read.
  server.on('connection', (socket) => {
    if (ctx.cluster.faults.unreachable) socket.destroy();
  });
  return server;
}

async function handle(
  ctx: SimContext,
  requests: RecordedRequest[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const text = await readText(req);
  const body = parseJson(text);
  requests.push({
    method,
    path: url.pathname,
    url: req.url ?? '/',
    headers: flatHeaders(req),
    body: body === invalidJson ? text : body,
  });
  // Bounded, so a long demo run does not grow without limit; oldest entries go first.
  const excess = requests.length - ctx.cluster.options.maxRecordedRequests;
  if (excess > 0) requests.splice(0, excess);

  if (ctx.cluster.faults.unreachable) {
    req.socket.destroy();
    return;
  }

  const client = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) client.abort();
  });

  if (handleAdmin(ctx, res, method, url.pathname, body)) return;
  if (ctx.cluster.faults.legacyServer) {
    await handleLegacy(ctx, res, method, url, body, client.signal);
    return;
  }
  if (method === 'OPTIONS') {
    res.writeHead(200, corsHeaders());
    res.end();
    return;
  }
  if (handleControl(ctx, res, method, url, body)) return;

  if (method === 'POST' && url.pathname === '/v1/chat/completions') {
    ctx.stats.chatCalls += 1;
    await handleChat(ctx.cluster, res, body, client.signal);
  } else if (method === 'POST' && url.pathname === '/v1/messages') {
    ctx.stats.chatCalls += 1;
    await handleMessages(ctx.cluster, res, body, client.signal);
  } else if (method === 'POST' && url.pathname === '/v1/responses') {
    ctx.stats.chatCalls += 1;
    await handleResponses(ctx.cluster, res, body, client.signal);
  } else if (method === 'GET' || method === 'HEAD') {
    // Unmatched GETs fall through to the dashboard's static mount.
    sendJson(res, 404, { detail: 'Not Found' });
  } else {
    sendJson(res, 405, { detail: 'Method Not Allowed' });
  }
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function corsHeaders(): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': '*',
    'access-control-allow-headers': '*',
  };
}
