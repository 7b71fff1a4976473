import { createRequire } from 'node:module';
import type {
  Attributes,
  Encoding,
  LogRecordView,
  MetricPoint,
  Signal,
  SpanKindName,
  SpanRecord,
} from './types.ts';

// The protobuf classes generated from the official opentelemetry-proto definitions, as shipped
// by @opentelemetry/otlp-transformer 0.200 (later releases dropped the generated code).
const require = createRequire(import.meta.url);
const root = require('otlp-proto-definitions/build/src/generated/root.js') as ProtoRoot;
const collector = root.opentelemetry.proto.collector;

interface ProtoMessage {
  decode(buffer: Uint8Array): unknown;
  toObject(message: unknown, options: object): Record<string, unknown>;
}
interface ProtoRoot {
  opentelemetry: {
    proto: {
      collector: {
        metrics: { v1: { ExportMetricsServiceRequest: ProtoMessage } };
        trace: { v1: { ExportTraceServiceRequest: ProtoMessage } };
        logs: { v1: { ExportLogsServiceRequest: ProtoMessage } };
      };
    };
  };
}

const REQUEST_TYPES: Record<Signal, ProtoMessage> = {
  metrics: collector.metrics.v1.ExportMetricsServiceRequest,
  traces: collector.trace.v1.ExportTraceServiceRequest,
  logs: collector.logs.v1.ExportLogsServiceRequest,
};

// biome-ignore lint/suspicious/noExplicitAny: OTLP payloads are walked structurally.
type Json = any;

/** Decodes an export request body into the plain OTLP/JSON object shape. */
export function decodeRequest(signal: Signal, encoding: Encoding, body: Buffer): Json {
  if (encoding === 'json') return JSON.parse(body.toString('utf8'));

  const type = REQUEST_TYPES[signal];
  return type.toObject(type.decode(body), { longs: String, enums: Number, bytes: Buffer });
}

export function metricPoints(request: Json): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const rm of request.resourceMetrics ?? []) {
    const resource = attributes(rm.resource?.attributes);
    for (const sm of rm.scopeMetrics ?? []) {
      const scope = scopeOf(sm.scope);
      for (const metric of sm.metrics ?? []) {
        const base = {
          name: metric.name,
          unit: metric.unit ?? '',
          description: metric.description ?? '',
          resource,
          scope,
        };
        if (metric.gauge)
          points.push(...metric.gauge.dataPoints.map((p: Json) => numberPoint(base, 'gauge', p)));
        if (metric.sum) {
          for (const p of metric.sum.dataPoints ?? []) {
            points.push({
              ...numberPoint(base, 'sum', p),
              isMonotonic: Boolean(metric.sum.isMonotonic),
            });
          }
        }
        if (metric.histogram)
          points.push(...metric.histogram.dataPoints.map((p: Json) => histogramPoint(base, p)));
        if (metric.exponentialHistogram) {
          for (const p of metric.exponentialHistogram.dataPoints ?? []) {
            points.push({ ...histogramPoint(base, p), kind: 'exponentialHistogram' });
          }
        }
      }
    }
  }
  return points;
}

function numberPoint(base: Json, kind: 'gauge' | 'sum', p: Json): MetricPoint {
  return {
    ...base,
    kind,
    value: p.asDouble !== undefined ? Number(p.asDouble) : Number(p.asInt ?? 0),
    attributes: attributes(p.attributes),
    timeUnixNano: BigInt(p.timeUnixNano ?? 0),
    startTimeUnixNano: BigInt(p.startTimeUnixNano ?? 0),
  };
}

function histogramPoint(base: Json, p: Json): MetricPoint {
  return {
    ...base,
    kind: 'histogram',
    count: Number(p.count ?? 0),
    sum: p.sum === undefined ? undefined : Number(p.sum),
    min: p.min === undefined ? undefined : Number(p.min),
    max: p.max === undefined ? undefined : Number(p.max),
    bucketCounts: (p.bucketCounts ?? []).map(Number),
    explicitBounds: (p.explicitBounds ?? []).map(Number),
    attributes: attributes(p.attributes),
    timeUnixNano: BigInt(p.timeUnixNano ?? 0),
    startTimeUnixNano: BigInt(p.startTimeUnixNano ?? 0),
  };
}

const SPAN_KINDS: SpanKindName[] = [
  'UNSPECIFIED',
  'INTERNAL',
  'SERVER',
  'CLIENT',
  'PRODUCER',
  'CONSUMER',
];
const STATUS_CODES = ['UNSET', 'OK', 'ERROR'] as const;

export function spanRecords(request: Json): SpanRecord[] {
  const spans: SpanRecord[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = attributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      const scope = scopeOf(ss.scope);
      for (const s of ss.spans ?? []) {
        spans.push({
          traceId: hexId(s.traceId),
          spanId: hexId(s.spanId),
          parentSpanId: hexId(s.parentSpanId),
          name: s.name,
          kind: SPAN_KINDS[Number(s.kind ?? 0)] ?? 'UNSPECIFIED',
          attributes: attributes(s.attributes),
          resource,
          scope,
          status: {
            code: STATUS_CODES[Number(s.status?.code ?? 0)] ?? 'UNSET',
            message: s.status?.message ?? '',
          },
          startTimeUnixNano: BigInt(s.startTimeUnixNano ?? 0),
          endTimeUnixNano: BigInt(s.endTimeUnixNano ?? 0),
          events: (s.events ?? []).map((e: Json) => ({
            name: e.name,
            attributes: attributes(e.attributes),
            timeUnixNano: BigInt(e.timeUnixNano ?? 0),
          })),
        });
      }
    }
  }
  return spans;
}

export function logRecords(request: Json): LogRecordView[] {
  const records: LogRecordView[] = [];
  for (const rl of request.resourceLogs ?? []) {
    const resource = attributes(rl.resource?.attributes);
    for (const sl of rl.scopeLogs ?? []) {
      for (const r of sl.logRecords ?? []) {
        records.push({
          body: anyValue(r.body),
          severityText: r.severityText ?? '',
          severityNumber: Number(r.severityNumber ?? 0),
          attributes: attributes(r.attributes),
          resource,
          traceId: hexId(r.traceId),
          spanId: hexId(r.spanId),
          timeUnixNano: BigInt(r.timeUnixNano ?? 0),
        });
      }
    }
  }
  return records;
}

function scopeOf(scope: Json) {
  return { name: scope?.name ?? '', version: scope?.version ?? '' };
}

function attributes(list: Json): Attributes {
  const result: Attributes = {};
  for (const kv of list ?? []) result[kv.key] = anyValue(kv.value);
  return result;
}

function anyValue(value: Json): unknown {
  if (value === undefined || value === null) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('arrayValue' in value) return (value.arrayValue.values ?? []).map(anyValue);
  if ('kvlistValue' in value) return attributes(value.kvlistValue.values);
  if ('bytesValue' in value) return hexId(value.bytesValue);
  return undefined;
}

/** Trace and span ids: bytes in protobuf, hex strings in OTLP/JSON. */
function hexId(id: unknown): string {
  if (id === undefined || id === null) return '';
  if (typeof id === 'string') return id.toLowerCase();
  return Buffer.from(id as Uint8Array).toString('hex');
}
