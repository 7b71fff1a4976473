import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

// Closed-loop load: `concurrency` clients each send the next request when the last one ended.

export interface LatencyStats {
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  throughput: number;
}

export interface StreamStats {
  streams: number;
  errors: number;
  ttfbP50: number;
  firstTokenP50: number;
  chunkGapMean: number;
}

export async function runCompletions(
  baseUrl: string,
  body: object,
  concurrency: number,
  durationMs: number,
): Promise<LatencyStats> {
  const pool = new Pool(baseUrl, { connections: concurrency });
  const payload = JSON.stringify(body);
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationMs;

  const client = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const response = await pool.request({
          path: '/v1/chat/completions',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: payload,
        });
        await response.body.text();
        if (response.statusCode === 200) latencies.push(performance.now() - t0);
        else errors++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = performance.now() - started;
  await pool.close();

  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    throughput: (latencies.length / elapsed) * 1000,
  };
}

export async function runStreams(
  baseUrl: string,
  body: object,
  concurrency: number,
  durationMs: number,
): Promise<StreamStats> {
  const pool = new Pool(baseUrl, { connections: concurrency });
  const payload = JSON.stringify({ ...body, stream: true });
  const ttfb: number[] = [];
  const firstToken: number[] = [];
  const gaps: number[] = [];
  let errors = 0;
  const deadline = performance.now() + durationMs;

  const client = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const response = await pool.request({
          path: '/v1/chat/completions',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: payload,
        });
        let first = true;
        let lastData: number | undefined;
        let text = '';
        for await (const chunk of response.body) {
          const now = performance.now();
          if (first) {
            ttfb.push(now - t0);
            first = false;
          }
          text += chunk.toString();
          if (!text.includes('data: ')) continue;
          // Count one arrival per chunk carrying data events.
          if (lastData === undefined) firstToken.push(now - t0);
          else gaps.push(now - lastData);
          lastData = now;
          text = '';
        }
        if (!response.statusCode || response.statusCode !== 200) errors++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  await pool.close();

  ttfb.sort((a, b) => a - b);
  firstToken.sort((a, b) => a - b);
  return {
    streams: ttfb.length,
    errors,
    ttfbP50: quantile(ttfb, 0.5),
    firstTokenP50: quantile(firstToken, 0.5),
    chunkGapMean: gaps.reduce((a, b) => a + b, 0) / Math.max(gaps.length, 1),
  };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
