import { type AnyValue, isSpanContextValid, logs, SeverityNumber, trace } from '@opentelemetry/api';
import { type DestinationStream, type Logger, multistream, pino } from 'pino';

export interface LoggerOptions {
  serviceName: string;
  level: string;
  /** Where JSON lines go; stdout by default. */
  destination?: DestinationStream;
  /** Also emit every line as an OTel log record. */
  bridgeToOtel: boolean;
  /** Add the active trace and span ids to each line (default true). */
  traceFields?: boolean;
}

/** A pino logger whose lines carry the active trace and span ids. */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  const streams: Array<{ stream: DestinationStream; level: pino.Level }> = [
    { stream: destination, level: 'trace' },
  ];
  if (options.bridgeToOtel) {
    streams.push({ stream: otelLogStream(options.serviceName), level: 'trace' });
  }

  return pino(
    {
      name: options.serviceName,
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      ...(options.traceFields === false ? {} : { mixin: traceFields }),
      formatters: { level: (label) => ({ level: label }) },
    },
    multistream(streams),
  );
}

function traceFields(): object {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !isSpanContextValid(context)) return {};
  return {
    trace_id: context.traceId,
    span_id: context.spanId,
    trace_flags: `0${context.traceFlags.toString(16)}`,
  };
}

const SEVERITY: Record<string, SeverityNumber> = {
  trace: SeverityNumber.TRACE,
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL,
};

const NOT_ATTRIBUTES = new Set([
  'level',
  'time',
  'msg',
  'name',
  'trace_id',
  'span_id',
  'trace_flags',
]);

// pino writes synchronously inside the caller's context, so the record picks up the active span.
function otelLogStream(serviceName: string): DestinationStream {
  const otelLogger = logs.getLogger(serviceName);
  return {
    write(line: string) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }

      const level = String(record.level);
      const attributes: Record<string, AnyValue> = {};
      for (const [key, value] of Object.entries(record)) {
        if (!NOT_ATTRIBUTES.has(key) && value !== undefined) {
          attributes[key] =
            typeof value === 'object' && value !== null ? JSON.stringify(value) : (value as string);
        }
      }
      otelLogger.emit({
        severityNumber: SEVERITY[level] ?? SeverityNumber.UNSPECIFIED,
        severityText: level.toUpperCase(),
        body: typeof record.msg === 'string' ? record.msg : '',
        attributes,
      });
    },
  };
}
