import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { createRateLimitedLog } from './rate-limited-log.ts';

export interface ExportFailureReporterOptions {
  logger: Logger;
  endpoint: string;
  platform?: NodeJS.Platform;
  intervalMs?: number;
  now?: () => number;
}

const LOCAL_NETWORK_HINT =
  'macOS Local Network privacy blocks this process from reaching a LAN address (EHOSTUNREACH, ' +
  '"no route to host", while loopback and the Internet work). The responsible binary is node: ' +
  'grant it under System Settings > Privacy & Security > Local Network, and give a linker-signed ' +
  'node a real signature first (codesign --force --sign - <node>) or it cannot be granted. ' +
  'Alternatives: send OTLP to a collector on 127.0.0.1, or run the service as a LaunchDaemon ' +
  'with UserName set, which is exempt. deploy/launchd/doctor.sh checks all of this.';

/**
 * Turns telemetry export errors into log lines an operator can act on: one warn at the first
 * failure, then at most one per interval. Never throws, whatever it is given.
 */
export function createExportFailureReporter(options: ExportFailureReporterOptions) {
  const warn = createRateLimitedLog(options.logger, {
    intervalMs: options.intervalMs ?? 60_000,
    ...(options.now ? { now: options.now } : {}),
  });
  const platform = options.platform ?? process.platform;

  return (error: unknown): void => {
    try {
      const code = errorCode(error);
      const fields: Record<string, unknown> = {
        endpoint: options.endpoint,
        reason: describe(error),
      };
      if (code) fields.code = code;
      if (code === 'EHOSTUNREACH' && platform === 'darwin' && isPrivateHost(options.endpoint)) {
        fields.hint = LOCAL_NETWORK_HINT;
      }

      warn(
        'warn',
        fields,
        'telemetry export failed; the service keeps running and telemetry is retried',
      );
    } catch {
      // Reporting must never become a failure of its own.
    }
  };
}

/** The first errno-style code found on the error or its causes. */
export function errorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const { code, errors, cause } = current as {
      code?: unknown;
      errors?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = errorCode(errors[0]);
      if (inner) return inner;
    }
    current = cause;
  }

  const text = String((error as { message?: unknown })?.message ?? error);
  return /\b(E[A-Z]{4,})\b/.exec(text)?.[1];
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const status = (error as { code?: unknown }).code;
    return typeof status === 'number' ? `HTTP ${status}: ${error.message}` : error.message;
  }
  return String(error);
}

/** Whether the endpoint's host is on a local network (RFC 1918, link-local, ULA, .local). */
export function isPrivateHost(endpoint: string): boolean {
  let host: string;
  try {
    host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }

  if (host.endsWith('.local')) return true;
  if (isIP(host) === 4) {
    const [a = 0, b = 0] = host.split('.').map(Number);
    return (
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  if (isIP(host) === 6) {
    const lower = host.toLowerCase();
    return lower.startsWith('fc') || lower.startsWith('fd') || lower.startsWith('fe80');
  }
  return false;
}
