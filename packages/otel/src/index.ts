export { createExportFailureReporter, isPrivateHost } from './export-failures.ts';
export { createLogger } from './logger.ts';
export type { LogLevelName, RateLimitedLog, RateLimitOptions } from './rate-limited-log.ts';
export { createRateLimitedLog } from './rate-limited-log.ts';
export type { Telemetry, TelemetryOptions } from './start.ts';
export { getTelemetry, startTelemetry } from './start.ts';
