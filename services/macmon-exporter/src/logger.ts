// The logging surface this service needs. pino's Logger (from @llm-lab/otel) satisfies it; tests
// pass a small recorder instead.

export type LogFn = (obj: object, msg?: string) => void;

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export type WarnLimited = (level: 'warn' | 'error', fields: object, message: string) => void;
