import type { Attributes, LogRecordView, MetricPoint, SpanRecord } from './types.ts';

export interface PointFilter {
  attributes?: Attributes;
  resource?: Attributes;
}

export interface WaitOptions {
  timeoutMs?: number;
}

type Waiter = () => boolean;

/** Everything the sink received, with waiters that wake on each arrival. */
export class TelemetryStore {
  readonly points: MetricPoint[] = [];
  readonly spans: SpanRecord[] = [];
  readonly logs: LogRecordView[] = [];
  #waiters = new Set<Waiter>();

  add(points: MetricPoint[], spans: SpanRecord[], logs: LogRecordView[]) {
    this.points.push(...points);
    this.spans.push(...spans);
    this.logs.push(...logs);
    for (const waiter of this.#waiters) {
      if (waiter()) this.#waiters.delete(waiter);
    }
  }

  clear() {
    this.points.length = 0;
    this.spans.length = 0;
    this.logs.length = 0;
  }

  metricPoints(name: string, filter: PointFilter = {}): MetricPoint[] {
    return this.points.filter(
      (p) =>
        p.name === name &&
        matches(p.attributes, filter.attributes) &&
        matches(p.resource, filter.resource),
    );
  }

  /** Resolves with the newest value `find` returns, as soon as it returns one. */
  waitFor<T>(
    find: () => T | undefined,
    description: string,
    options: WaitOptions = {},
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const found = find();
    if (found !== undefined) return Promise.resolve(found);

    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = () => {
        const value = find();
        if (value === undefined) return false;
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`OTLP sink: no ${description} arrived within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }
}

/** True when every expected key is present with an equal value. */
export function matches(actual: Attributes, expected: Attributes | undefined): boolean {
  if (!expected) return true;
  return Object.entries(expected).every(([key, value]) => {
    const got = actual[key];
    if (Array.isArray(value)) return JSON.stringify(got) === JSON.stringify(value);
    return got === value;
  });
}
