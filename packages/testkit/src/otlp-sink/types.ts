export type Attributes = Record<string, unknown>;

export interface MetricPoint {
  name: string;
  unit: string;
  description: string;
  kind: 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram';
  /** Gauge and sum points. */
  value?: number;
  isMonotonic?: boolean;
  /** Histogram points. */
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
  attributes: Attributes;
  resource: Attributes;
  scope: { name: string; version: string };
  timeUnixNano: bigint;
  startTimeUnixNano: bigint;
}

export type SpanKindName =
  | 'UNSPECIFIED'
  | 'INTERNAL'
  | 'SERVER'
  | 'CLIENT'
  | 'PRODUCER'
  | 'CONSUMER';

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: SpanKindName;
  attributes: Attributes;
  resource: Attributes;
  scope: { name: string; version: string };
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message: string };
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  events: Array<{ name: string; attributes: Attributes; timeUnixNano: bigint }>;
}

export interface LogRecordView {
  body: unknown;
  severityText: string;
  severityNumber: number;
  attributes: Attributes;
  resource: Attributes;
  traceId: string;
  spanId: string;
  timeUnixNano: bigint;
}

export type Signal = 'metrics' | 'traces' | 'logs';
export type Encoding = 'json' | 'protobuf';
