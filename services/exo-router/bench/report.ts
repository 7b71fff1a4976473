import type { LatencyStats, StreamStats } from './load.ts';

// The benchmark's tables, in Markdown, as the service README shows them.

export interface CompletionRow {
  concurrency: number;
  direct: LatencyStats;
  off: LatencyStats & { cpuUs: number };
  on: LatencyStats & { cpuUs: number };
}

export interface ByPath<T> {
  direct: T;
  off: T;
  on: T;
}

const ms = (v: number) => v.toFixed(2);
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const percent = (a: number, b: number) => `${((a / b - 1) * 100).toFixed(1)}%`;
const label = { direct: 'direct', off: 'router, telemetry off', on: 'router, telemetry on' };

export function report(
  rows: CompletionRow[],
  plain: ByPath<LatencyStats>,
  streams: ByPath<StreamStats>,
): string {
  const out: string[] = [];
  out.push('Non-streaming completions (max_tokens 4, simulator generating instantly)', '');
  out.push(
    '| clients | direct p50 / p99 ms | router p50 / p99 ms | added p50 ms | p50 ratio | req/s direct / router | throughput ratio | errors |',
  );
  out.push('|---|---|---|---|---|---|---|---|');
  for (const { concurrency, direct, off } of rows) {
    out.push(
      `| ${concurrency} | ${ms(direct.p50)} / ${ms(direct.p99)} | ${ms(off.p50)} / ${ms(off.p99)} | ${ms(off.p50 - direct.p50)} | ${ratio(off.p50, direct.p50)} | ${direct.throughput.toFixed(0)} / ${off.throughput.toFixed(0)} | ${ratio(off.throughput, direct.throughput)} | ${direct.errors + off.errors} |`,
    );
  }

  out.push('', 'Telemetry on (OTLP to a sink) vs off, same load', '');
  out.push(
    '| clients | p50 ms off / on | p50 overhead | req/s off / on | router CPU µs per request off / on | CPU overhead | errors |',
  );
  out.push('|---|---|---|---|---|---|---|');
  for (const { concurrency, off, on } of rows) {
    out.push(
      `| ${concurrency} | ${ms(off.p50)} / ${ms(on.p50)} | ${percent(on.p50, off.p50)} | ${off.throughput.toFixed(0)} / ${on.throughput.toFixed(0)} | ${off.cpuUs.toFixed(0)} / ${on.cpuUs.toFixed(0)} | ${percent(on.cpuUs, off.cpuUs)} | ${on.errors} |`,
    );
  }

  out.push('', 'Paced generation (20 ms prefill, 4 tokens at 200 tokens/s), 16 clients', '');
  out.push('| path | p50 / p99 ms | req/s | p50 vs direct | p50 vs telemetry off | errors |');
  out.push('|---|---|---|---|---|---|');
  for (const key of ['direct', 'off', 'on'] as const) {
    const s = plain[key];
    out.push(
      `| ${label[key]} | ${ms(s.p50)} / ${ms(s.p99)} | ${s.throughput.toFixed(0)} | ${ratio(s.p50, plain.direct.p50)} | ${ratio(s.p50, plain.off.p50)} | ${s.errors} |`,
    );
  }

  out.push('', 'Streams (4 clients, 20 tokens at 200 tokens/s)', '');
  out.push(
    '| path | streams | first byte p50 ms | first token p50 ms | mean gap between chunks ms | errors |',
  );
  out.push('|---|---|---|---|---|---|');
  for (const key of ['direct', 'off', 'on'] as const) {
    const s = streams[key];
    out.push(
      `| ${label[key]} | ${s.streams} | ${ms(s.ttfbP50)} | ${ms(s.firstTokenP50)} | ${ms(s.chunkGapMean)} | ${s.errors} |`,
    );
  }
  return `${out.join('\n')}\n`;
}
