// Restart delays: initial, doubling up to max; back to initial once a child has produced output
// for `resetAfterMs` (a crash after hours of healthy output is not part of a crash loop).

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  resetAfterMs: number;
}

export interface Backoff {
  /** Delay before the next start, given how long the child that just ended produced output. */
  next: (healthyMs: number) => number;
}

export function createBackoff(options: BackoffOptions): Backoff {
  const { initialMs, maxMs, resetAfterMs } = options;
  let delayMs = initialMs;

  return {
    next(healthyMs) {
      if (healthyMs >= resetAfterMs) delayMs = initialMs;

      const current = delayMs;
      delayMs = Math.min(delayMs * 2, maxMs);
      return current;
    },
  };
}
