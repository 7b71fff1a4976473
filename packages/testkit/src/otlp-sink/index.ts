export type { MetricWaitOptions, OtlpSink, OtlpSinkOptions, SinkFault } from './server.ts';
export { startOtlpSink } from './server.ts';
export type { PointFilter } from './store.ts';
export type { Attributes, LogRecordView, MetricPoint, SpanKindName, SpanRecord } from './types.ts';
