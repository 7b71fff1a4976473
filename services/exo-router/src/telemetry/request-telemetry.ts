import {
  type Attributes,
  type Context,
  context as contextApi,
  type Meter,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { RouterError } from '../errors.ts';
import { metricNames } from '../metric-names.ts';
import type { Usage } from '../proxy/payload.ts';

// One request's spans and GenAI metrics (server role). Telemetry never throws into the request.

export interface RequestInstruments {
  /** The metric attributes of one model, built once and shared by its requests. */
  attributesFor(operation: string, model: string, provider: string): ModelAttributes;
  record(outcome: RequestOutcome, attributes: ModelAttributes): void;
  inFlight(delta: 1 | -1, attributes: ModelAttributes): void;
}

export interface ModelAttributes {
  readonly base: Attributes;
  readonly input: Attributes;
  readonly output: Attributes;
}

export interface RequestOutcome {
  durationS: number;
  ttftS?: number;
  usage: Usage;
  errorType?: string;
}

// Bucket boundaries from the GenAI semantic conventions.
const durationBuckets = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const ttftBuckets = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
const tpotBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5];
const tokenBuckets = Array.from({ length: 14 }, (_, i) => 4 ** i);

// Upstream globs let clients choose model names, so the cache is bounded.
const maxCachedModels = 256;

export function createRequestInstruments(meter: Meter): RequestInstruments {
  const duration = meter.createHistogram(metricNames.requestDuration, {
    unit: 's',
    description: 'Time from request received to last response byte sent.',
    advice: { explicitBucketBoundaries: durationBuckets },
  });
  const ttft = meter.createHistogram(metricNames.timeToFirstToken, {
    unit: 's',
    description: 'Time from request received to the first generated output on a stream.',
    advice: { explicitBucketBoundaries: ttftBuckets },
  });
  const tpot = meter.createHistogram(metricNames.timePerOutputToken, {
    unit: 's',
    description: 'Time per output token after the first one.',
    advice: { explicitBucketBoundaries: tpotBuckets },
  });
  const tokens = meter.createHistogram(metricNames.tokenUsage, {
    unit: '{token}',
    description: 'Tokens used per request, by gen_ai.token.type.',
    advice: { explicitBucketBoundaries: tokenBuckets },
  });
  const inFlight = meter.createUpDownCounter(metricNames.requestsInFlight, {
    unit: '{request}',
    description: 'Requests being served right now.',
  });

  const cache = new Map<string, ModelAttributes>();

  return {
    attributesFor(operation, model, provider) {
      const key = `${operation}\u0000${provider}\u0000${model}`;
      let cached = cache.get(key);
      if (cached) return cached;

      if (cache.size >= maxCachedModels) cache.clear();
      cached = modelAttributes(operation, model, provider);
      cache.set(key, cached);
      return cached;
    },
    record(outcome, { base, input, output }) {
      if (outcome.errorType) {
        duration.record(outcome.durationS, { ...base, 'error.type': outcome.errorType });
        return;
      }
      duration.record(outcome.durationS, base);

      const { usage } = outcome;
      if (outcome.ttftS !== undefined) {
        ttft.record(outcome.ttftS, base);
        if (usage.output !== undefined && usage.output > 1) {
          tpot.record((outcome.durationS - outcome.ttftS) / (usage.output - 1), base);
        }
      }
      if (usage.input !== undefined) tokens.record(usage.input, input);
      if (usage.output !== undefined) tokens.record(usage.output, output);
    },
    inFlight(delta, { base }) {
      inFlight.add(delta, base);
    },
  };
}

function modelAttributes(operation: string, model: string, provider: string): ModelAttributes {
  const base = {
    'gen_ai.request.model': model,
    'gen_ai.provider.name': provider,
    'gen_ai.operation.name': operation,
  };
  // Frozen: the metrics SDK keeps a reference to each attribute set it has seen.
  return Object.freeze({
    base: Object.freeze(base),
    input: Object.freeze({ ...base, 'gen_ai.token.type': 'input' }),
    output: Object.freeze({ ...base, 'gen_ai.token.type': 'output' }),
  });
}

/** The incoming W3C trace context (traceparent/tracestate/baggage), or the root. */
export function extractContext(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** Headers carrying `ctx` to the next hop. */
export function injectHeaders(ctx: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

export function startServerSpan(
  tracer: Tracer,
  parent: Context,
  name: string,
  attributes: Attributes,
): { span: Span; context: Context } {
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

export function startChildSpan(
  tracer: Tracer,
  parent: Context,
  name: string,
  kind: SpanKind,
  attributes: Attributes,
): { span: Span; context: Context } {
  const span = tracer.startSpan(name, { kind, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

export function endSpan(span: Span, error?: RouterError | Error): void {
  if (error) {
    const code = (error as Partial<RouterError>).code;
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    if (code) span.setAttribute('error.type', code);
  }
  span.end();
}

/** Runs fn with ctx active, so log lines carry its trace and span ids. */
export function withContext<T>(ctx: Context, fn: () => T): T {
  return contextApi.with(ctx, fn);
}
