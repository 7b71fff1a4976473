import type { Logger } from 'pino';

export type LogLevelName = 'error' | 'warn' | 'info' | 'debug';

export interface RateLimitOptions {
  /** Shortest gap between two lines after the first; default one minute. */
  intervalMs?: number;
  now?: () => number;
}

export type RateLimitedLog = (level: LogLevelName, fields: object, message: string) => void;

/**
 * Logs the first event at once, then at most one line per interval, carrying how many
 * similar events were suppressed since the previous line.
 */
export function createRateLimitedLog(
  logger: Logger,
  options: RateLimitOptions = {},
): RateLimitedLog {
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  let lastAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;

  return (level, fields, message) => {
    const at = now();
    if (at - lastAt < intervalMs) {
      suppressed += 1;
      return;
    }

    logger[level]({ ...fields, suppressed }, message);
    lastAt = at;
    suppressed = 0;
  };
}
