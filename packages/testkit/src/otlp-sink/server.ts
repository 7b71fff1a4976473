import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeRequest, logRecords, metricPoints, spanRecords } from './decode.ts';
import { matches, type PointFilter, TelemetryStore, type WaitOptions } from './store.ts';
import type { Encoding, LogRecordView, MetricPoint, Signal, SpanRecord } from './types.ts';

export type SinkFault = 'ok' | 'unavailable' | 'hang' | 'refuse';

export interface OtlpSinkOptions {
  host?: string;
  port?: number;
  /** Called for every decoded export request (the CLI prints from here). */
  onExport?: (event: {
    signal: Signal;
    encoding: Encoding;
    points: MetricPoint[];
    spans: SpanRecord[];
    logs: LogRecordView[];
  }) => void;
}

export interface MetricWaitOptions extends PointFilter, WaitOptions {
  where?: (point: MetricPoint) => boolean;
}

export interface OtlpSink {
  readonly url: string;
  readonly port: number;
  readonly requestCount: number;
  readonly requestsByEncoding: Record<Encoding, number>;
  metricPoints(name: string, filter?: PointFilter): MetricPoint[];
  metricNames(): Set<string>;
  waitForMetric(name: string, options?: MetricWaitOptions): Promise<MetricPoint>;
  spans(filter?: { name?: string; traceId?: string }): SpanRecord[];
  waitForSpan(
    match: string | ((span: SpanRecord) => boolean),
    options?: WaitOptions,
  ): Promise<SpanRecord>;
  logs(): LogRecordView[];
  waitForLog(match: (log: LogRecordView) => boolean, options?: WaitOptions): Promise<LogRecordView>;
  setFault(fault: SinkFault): Promise<void>;
  /** Forgets everything received so far, counters included. */
  clear(): void;
  close(): Promise<void>;
}

const SIGNALS: Record<string, Signal> = {
  '/v1/metrics': 'metrics',
  '/v1/traces': 'traces',
  '/v1/logs': 'logs',
};

/** An OTLP/HTTP receiver on 127.0.0.1 that keeps what arrives, for tests and the demo. */
export async function startOtlpSink(options: OtlpSinkOptions = {}): Promise<OtlpSink> {
  const host = options.host ?? '127.0.0.1';
  const store = new TelemetryStore();
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const byEncoding: Record<Encoding, number> = { json: 0, protobuf: 0 };
  let fault: SinkFault = 'ok';
  let requestCount = 0;

  const server = createServer((req, res) => {
    requestCount += 1;
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const signal = SIGNALS[req.url?.split('?')[0] ?? ''];
    if (req.method !== 'POST' || !signal) return reply(res, 404, 'not an OTLP/HTTP path');

    const body = await readBody(req);
    if (fault === 'hang') {
      hanging.add(res);
      return;
    }
    if (fault === 'unavailable') return reply(res, 503, 'sink told to answer 503');

    const encoding: Encoding = (req.headers['content-type'] ?? '').includes('json')
      ? 'json'
      : 'protobuf';
    let request: unknown;
    try {
      const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
      request = decodeRequest(signal, encoding, raw);
    } catch (err) {
      return reply(res, 400, `undecodable ${encoding} body: ${(err as Error).message}`);
    }

    byEncoding[encoding] += 1;
    const points = signal === 'metrics' ? metricPoints(request) : [];
    const spans = signal === 'traces' ? spanRecords(request) : [];
    const logs = signal === 'logs' ? logRecords(request) : [];
    store.add(points, spans, logs);
    options.onExport?.({ signal, encoding, points, spans, logs });

    res.writeHead(200, {
      'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
    });
    res.end(encoding === 'json' ? '{}' : undefined);
  }

  await listen(server, host, options.port ?? 0);
  const port = (server.address() as { port: number }).port;

  async function setFault(next: SinkFault) {
    if (fault === 'hang' && next !== 'hang') {
      for (const res of hanging) res.destroy();
      hanging.clear();
    }
    if (next === 'refuse' && server.listening) await stop(server, sockets);
    if (next !== 'refuse' && !server.listening) await listen(server, host, port);
    fault = next;
  }

  return {
    url: `http://${host}:${port}`,
    port,
    get requestCount() {
      return requestCount;
    },
    requestsByEncoding: byEncoding,
    metricPoints: (name, filter) => store.metricPoints(name, filter),
    metricNames: () => new Set(store.points.map((p) => p.name)),
    waitForMetric(name, wait = {}) {
      const find = () =>
        store
          .metricPoints(name, wait)
          .filter((p) => !wait.where || wait.where(p))
          .at(-1);
      return store.waitFor(find, `point of ${name} matching ${describeFilter(wait)}`, wait);
    },
    spans: (filter = {}) =>
      store.spans.filter(
        (s) =>
          (!filter.name || s.name === filter.name) &&
          (!filter.traceId || s.traceId === filter.traceId),
      ),
    waitForSpan(match, wait) {
      const test = typeof match === 'string' ? (s: SpanRecord) => s.name === match : match;
      return store.waitFor(
        () => store.spans.find(test),
        `span ${typeof match === 'string' ? match : 'matching'}`,
        wait,
      );
    },
    logs: () => store.logs,
    waitForLog: (match, wait) =>
      store.waitFor(() => store.logs.find(match), 'matching log record', wait),
    setFault,
    clear() {
      store.clear();
      requestCount = 0;
      byEncoding.json = 0;
      byEncoding.protobuf = 0;
    },
    async close() {
      for (const res of hanging) res.destroy();
      if (server.listening) await stop(server, sockets);
    },
  };
}

export { matches };

function describeFilter(filter: MetricWaitOptions): string {
  return JSON.stringify({
    attributes: filter.attributes,
    resource: filter.resource,
    where: filter.where ? 'predicate' : undefined,
  });
}

function reply(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(message);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function stop(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of sockets) socket.destroy();
  });
}
