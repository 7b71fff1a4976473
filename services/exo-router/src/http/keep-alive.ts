import { RouterError } from '../errors.ts';
import type { KeepAlive } from '../proxy/manager-port.ts';
import { parseDuration } from '../units.ts';

// Ollama-style keep_alive: a duration string or seconds; 0 unloads right after the response,
// a negative value keeps the model loaded until told otherwise.

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
  if (raw === undefined || raw === null || raw === '') return undefined;
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
  if (ms === 0) return { kind: 'unload-now' };
  if (ms < 0) return { kind: 'forever' };
  return { kind: 'duration', ms };
}
