import { RouterError } from '../errors.ts';
import type { KeepAlive } from '../proxy/manager-port.ts';
import { parseDuration } from '../units.ts';

// Ollama-style keep_alive: a duration string or seconds; 0 unloads right after the response,
// a negative value keeps the model loaded until told otherwise.

/** The longest keep_alive duration accepted: one year. */
export const maxKeepAliveMs = 365 * 86_400_000;

/**
 * Reads keep_alive from the body field (wins) or the X-Keep-Alive header, and deletes the
 * body field so the upstream never sees it.
 */
export function takeKeepAlive(
  body: Record<string, unknown>,
  header: string | string[] | undefined,
): KeepAlive | undefined {
  const fromBody = body.keep_alive;
  delete body.keep_alive;

  const raw = fromBody ?? (Array.isArray(header) ? header[0] : header);
  // An empty or blank value (an empty header, `""`, `"  "`) means "no value", consistently.
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string' && raw.trim() === '') return undefined;
  return parseKeepAlive(raw);
}

export function parseKeepAlive(raw: unknown): KeepAlive {
  const ms = parseDuration(raw);
  if (ms === undefined) {
    throw new RouterError(
      'invalid_request',
      `keep_alive must be a duration such as "10m", "1h", "-1", or a number of seconds; received ${JSON.stringify(raw)}`,
    );
  }
  if (ms > maxKeepAliveMs) {
    // Beyond this an idle deadline is no longer a real date; a pin is what such a value means.
    throw new RouterError(
      'invalid_request',
      `keep_alive must be at most 1 year (365d); received ${JSON.stringify(raw)}. A negative value (e.g. "-1") keeps the model loaded until an admin unload`,
    );
  }
  if (ms === 0) return { kind: 'unload-now' };
  if (ms < 0) return { kind: 'forever' };
  return { kind: 'duration', ms };
}
