import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { RouterError } from '../errors.ts';
import { type ApiFlavour, errorBody } from '../http/error-body.ts';
import type { Api } from './payload.ts';
import { sseErrorEvent } from './stream-relay.ts';

// Writes one proxied response on the raw socket and remembers what the client already got,
// so that an error becomes a status line before the first byte and an SSE event after it.

const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  // Tells nginx-style proxies in front of us not to buffer the stream.
  'x-accel-buffering': 'no',
};

export class Responder {
  readonly raw: ServerResponse;
  readonly api: Api;
  readonly flavour: ApiFlavour;
  status = 0;
  /** Data (not only heartbeat comments) has been written. */
  dataSent = false;

  constructor(raw: ServerResponse, api: Api) {
    this.raw = raw;
    this.api = api;
    this.flavour = api === 'messages' ? 'anthropic' : 'openai';
  }

  get committed(): boolean {
    return this.raw.headersSent;
  }

  get finished(): boolean {
    return this.raw.writableEnded;
  }

  commitSse(): void {
    if (this.committed) return;
    this.status = 200;
    this.raw.writeHead(200, sseHeaders);
    this.raw.flushHeaders();
  }

  /** Writes stream bytes; waits while the client's socket is full. */
  async write(chunk: string | Buffer, signal: AbortSignal, isData = true): Promise<void> {
    // Ended already (shutdown closed it with an error event): drop what still arrives.
    if (this.raw.destroyed || this.finished) return;
    if (isData) this.dataSent = true;
    if (!this.raw.write(chunk)) await once(this.raw, 'drain', { signal }).catch(() => undefined);
  }

  heartbeat(comment: string): void {
    if (this.finished) return;
    this.commitSse();
    if (!this.raw.destroyed) this.raw.write(`: ${comment}\n\n`);
  }

  sendJson(status: number, body: string, headers: Record<string, string> = {}): void {
    this.status = status;
    this.raw.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...headers,
    });
    this.raw.end(body);
  }

  end(tail?: string): void {
    if (this.finished) return;
    if (tail) this.raw.end(tail);
    else this.raw.end();
  }

  /** Answers with the error in the client's shape, whatever has been sent so far. */
  fail(error: RouterError): void {
    if (this.finished || this.raw.destroyed) return;
    if (this.committed) {
      this.end(sseErrorEvent(this.api, error.code, error.message));
      return;
    }
    const headers: Record<string, string> = {};
    if (error.status === 429 || error.status === 503) {
      headers['retry-after'] = String(error.retryAfterSeconds ?? 1);
    }
    this.sendJson(error.status, JSON.stringify(errorBody(error, this.flavour)), headers);
  }
}
