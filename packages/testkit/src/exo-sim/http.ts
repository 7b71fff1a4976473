import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';

/** Reads the whole request body as text. */
export async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses JSON; a body that does not parse yields the `invalid` marker. */
export function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return invalidJson;
  }
}

export const invalidJson = Symbol('invalid-json');

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'access-control-allow-origin': '*',
  });
  res.end(payload);
}

/** EXO's HTTPException envelope: `{"error":{message,type:<reason phrase>,param:null,code}}`. */
export function sendExoError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, {
    error: { message, type: STATUS_CODES[status] ?? 'Error', param: null, code: status },
  });
}

/** FastAPI's 422 body for a missing field or a body that is not JSON. */
export function sendValidationError(res: ServerResponse, body: unknown, missing: string[]): void {
  if (body === invalidJson) {
    sendJson(res, 422, {
      detail: [
        {
          type: 'json_invalid',
          loc: ['body', 0],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: 'Expecting value' },
        },
      ],
    });
    return;
  }
  sendJson(res, 422, {
    detail: missing.map((name) => ({
      type: 'missing',
      loc: ['body', name],
      msg: 'Field required',
      input: body ?? null,
    })),
  });
}

/** Fields of a JSON object body that are absent. */
export function missingFields(body: unknown, names: string[]): string[] {
  if (body === null || typeof body !== 'object') return names;
  const record = body as Record<string, unknown>;
  return names.filter((name) => record[name] === undefined || record[name] === null);
}

/** Starts an SSE response with the headers EXO sets on streams. */
export function startSse(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'close',
    'x-accel-buffering': 'no',
    'access-control-allow-origin': '*',
  });
  res.flushHeaders();
}

/** Writes one `data:` event (optionally with an `event:` name). */
export function writeData(res: ServerResponse, data: unknown, event?: string): void {
  if (res.writableEnded || res.destroyed) return;
  const line = typeof data === 'string' ? data : JSON.stringify(data);
  res.write(`${event ? `event: ${event}\n` : ''}data: ${line}\n\n`);
}

/** Writes an SSE comment line such as `: keep-alive`. */
export function writeComment(res: ServerResponse, text: string): void {
  if (res.writableEnded || res.destroyed) return;
  res.write(`: ${text}\n\n`);
}

/** `: keep-alive` at once, then after every interval without data (EXO v1.0.70+). */
export function startKeepAlive(res: ServerResponse, intervalMs: number) {
  writeComment(res, 'keep-alive');
  const timer = setInterval(() => writeComment(res, 'keep-alive'), intervalMs);
  timer.unref();
  return { touch: () => timer.refresh(), stop: () => clearInterval(timer) };
}

/** Ends a stream abruptly: the connection closes without a terminator (no `[DONE]`). */
export function cutStream(res: ServerResponse): void {
  if (res.destroyed) return;
  // Ending the chunked body cleanly still reads as "no [DONE]" to a client; EXO ends the
  // generator the same way when an instance is deleted mid-stream (v1.0.70+, #1828).
  res.end();
}
