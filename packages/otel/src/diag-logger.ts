import type { DiagLogger } from '@opentelemetry/api';
import type { Logger } from 'pino';

/**
 * Routes the SDK's own diagnostics into the service log: errors (failed or timed-out exports)
 * go to the rate-limited failure reporter, the rest to debug.
 */
export function createDiagLogger(
  logger: Logger,
  reportFailure: (error: unknown) => void,
): DiagLogger {
  const toDebug = (message: string, ...args: unknown[]) => {
    logger.debug({ otel: args.length > 0 ? args.map(String) : undefined }, message);
  };

  return {
    error: (message, ...args) =>
      reportFailure(args.find((arg) => arg instanceof Error) ?? new Error(message)),
    warn: (message, ...args) =>
      logger.warn({ otel: args.length > 0 ? args.map(String) : undefined }, message),
    info: toDebug,
    debug: toDebug,
    verbose: toDebug,
  };
}
