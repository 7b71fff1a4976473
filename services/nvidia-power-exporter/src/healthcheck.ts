import { readFileSync } from 'node:fs';

/**
 * Container health check: exits 0 when the heartbeat file named on the command line is younger
 * than the age the exporter wrote into it. Runs as `node dist/healthcheck.js <file>` (no curl).
 */
export function heartbeatIsFresh(path: string, nowMs: number = Date.now()): boolean {
  try {
    const beat = JSON.parse(readFileSync(path, 'utf8')) as { at?: unknown; maxAgeMs?: unknown };
    return (
      typeof beat.at === 'number' &&
      typeof beat.maxAgeMs === 'number' &&
      nowMs - beat.at <= beat.maxAgeMs
    );
  } catch {
    return false;
  }
}

if (import.meta.main) {
  const path = process.argv[2];
  process.exitCode = path !== undefined && heartbeatIsFresh(path) ? 0 : 1;
}
