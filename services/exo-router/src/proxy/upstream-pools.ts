import { type Dispatcher, Pool } from 'undici';
import { RouterError, type RouterErrorCode } from '../errors.ts';

// One keep-alive connection pool per upstream origin, shared by every request to it.

export interface UpstreamCall {
  url: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  /** Bound on the wait for response headers (EXO sends none until a non-stream answer is done). */
  headersTimeoutMs: number;
  /** Bound on silence between body bytes. */
  bodyTimeoutMs: number;
}

/** An upstream URL taken apart once: the URLs come from the config, so there are few. */
export interface Endpoint {
  origin: string;
  path: string;
  hostname: string;
  port: number;
}

export interface UpstreamPools {
  request(call: UpstreamCall): Promise<Dispatcher.ResponseData>;
  close(): Promise<void>;
}

export function createUpstreamPools(): UpstreamPools {
  const pools = new Map<string, Pool>();

  const poolFor = (origin: string) => {
    let pool = pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: 256, keepAliveTimeout: 30_000, pipelining: 1 });
      pools.set(origin, pool);
    }
    return pool;
  };

  return {
    request(call) {
      const endpoint = endpointOf(call.url);
      return poolFor(endpoint.origin).request({
        path: endpoint.path,
        method: 'POST',
        headers: call.headers,
        body: call.body,
        signal: call.signal,
        headersTimeout: call.headersTimeoutMs,
        bodyTimeout: call.bodyTimeoutMs,
      });
    },
    async close() {
      await Promise.allSettled([...pools.values()].map((pool) => pool.close()));
      pools.clear();
    },
  };
}

const endpoints = new Map<string, Endpoint>();
const maxEndpoints = 256;

export function endpointOf(url: string): Endpoint {
  let endpoint = endpoints.get(url);
  if (endpoint) return endpoint;

  const parsed = new URL(url);
  const defaultPort = parsed.protocol === 'https:' ? 443 : 80;
  endpoint = {
    origin: parsed.origin,
    path: `${parsed.pathname}${parsed.search}`,
    hostname: parsed.hostname,
    port: Number(parsed.port) || defaultPort,
  };
  if (endpoints.size >= maxEndpoints) endpoints.clear();
  endpoints.set(url, endpoint);
  return endpoint;
}

/** A transport failure as a RouterError that names the upstream and what went wrong. */
export function transportError(
  error: unknown,
  target: { label: string; url: string; exo: boolean },
) {
  const code: RouterErrorCode = target.exo ? 'exo_unreachable' : 'upstream_error';
  const reason = describeTransport(error);
  // UND_ERR_SOCKET: the connection was open and the other side closed it; it was reachable.
  if (causeCode(error) === 'UND_ERR_SOCKET') return cutMidResponse(error, target);
  if (reason.startsWith('no response headers') || reason.startsWith('no body bytes')) {
    return new RouterError(
      target.exo ? 'exo_error' : 'upstream_error',
      `${target.label} at ${target.url}: ${reason}`,
      {
        cause: error,
      },
    );
  }
  return new RouterError(code, `${target.label} at ${target.url} is unreachable: ${reason}`, {
    cause: error,
  });
}

/** The answer's connection broke after it was accepted (headers or body under way). */
export function cutMidResponse(
  error: unknown,
  target: { label: string; url: string; exo: boolean },
): RouterError {
  return new RouterError(
    target.exo ? 'exo_error' : 'upstream_error',
    `${target.label} at ${target.url} closed the connection mid-response: ${describeTransport(error)}`,
    { cause: error },
  );
}

function causeCode(error: unknown): string | undefined {
  const err = error as { code?: string; cause?: { code?: string } };
  return err?.code ?? err?.cause?.code;
}

function describeTransport(error: unknown): string {
  const err = error as {
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (err?.code === 'UND_ERR_HEADERS_TIMEOUT') return 'no response headers within the timeout';
  if (err?.code === 'UND_ERR_BODY_TIMEOUT') return 'no body bytes within the stall timeout';
  const code = err?.cause?.code ?? err?.code;
  const message = err?.cause?.message ?? err?.message ?? String(error);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}
