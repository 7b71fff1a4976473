// The router's error catalogue: every error it raises carries a stable code; the HTTP status
// comes from the table below. The README lists each code with its cause and fix.

export type RouterErrorCode =
  | 'model_not_found'
  | 'invalid_request'
  | 'body_too_large'
  | 'unauthorized'
  | 'queue_full'
  | 'overloaded'
  | 'exo_unreachable'
  | 'exo_error'
  | 'placement_failed'
  | 'load_failed'
  | 'load_timeout'
  | 'load_stalled'
  | 'model_unloading'
  | 'upstream_error'
  | 'stream_interrupted'
  | 'internal_error'
  | 'shutting_down';

export const errorStatus: Readonly<Record<RouterErrorCode, number>> = Object.freeze({
  model_not_found: 404,
  invalid_request: 400,
  body_too_large: 413,
  unauthorized: 401,
  queue_full: 429,
  overloaded: 503,
  exo_unreachable: 502,
  exo_error: 502,
  placement_failed: 503,
  load_failed: 502,
  load_timeout: 504,
  load_stalled: 504,
  // Internal only: a request that meets an unloading model waits and reloads.
  model_unloading: 503,
  upstream_error: 502,
  // Sent as an in-stream error event; the status line was already 200.
  stream_interrupted: 502,
  // A fault inside the router itself (never an upstream's): a bug to report.
  internal_error: 500,
  // Requests still running when the shutdown bound ends are closed with this.
  shutting_down: 503,
});

export class RouterError extends Error {
  readonly code: RouterErrorCode;
  readonly status: number;
  readonly retryAfterSeconds?: number;

  constructor(
    code: RouterErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RouterError';
    this.code = code;
    this.status = errorStatus[code];
    if (options?.retryAfterSeconds !== undefined)
      this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isRouterError(value: unknown): value is RouterError {
  return value instanceof RouterError;
}
