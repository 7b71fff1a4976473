import type { Telemetry } from '@llm-lab/otel';

/** The pino logger `@llm-lab/otel` hands out (kept as a type, so pino is not a direct dependency). */
export type Logger = Telemetry['logger'];
