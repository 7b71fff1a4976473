import { writeFileSync } from 'node:fs';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

export interface Heartbeat {
  /** Writes the file for the first time. */
  start(): void;
  /** Notes that the loop turned; writes the file at most every few seconds. */
  beat(): void;
  stop(): void;
}

const WRITE_EVERY_MS = 5000;

/**
 * A file the container health check reads (`healthcheck.ts`). It holds the time of the last
 * turn and how old it may get: the longest quiet stretch of a working loop is a full restart
 * backoff (60 s) plus a slow first row, so a stale file means the loop itself stopped.
 */
export function createHeartbeat(config: Config, logger: Logger): Heartbeat {
  const path = config.heartbeatFile;
  const maxAgeMs = 60_000 + config.startTimeoutMs + 3 * config.intervalMs + 2 * WRITE_EVERY_MS;
  let lastWriteMs = 0;
  let warned = false;

  const write = () => {
    if (path === undefined) {
      return;
    }
    try {
      writeFileSync(path, JSON.stringify({ at: Date.now(), maxAgeMs }));
    } catch (err) {
      if (!warned) {
        warned = true;
        logger.warn({ err, path }, 'cannot write the heartbeat file; the health check will fail');
      }
    }
  };

  return {
    start() {
      lastWriteMs = Date.now();
      write();
    },
    beat() {
      const nowMs = Date.now();
      if (nowMs - lastWriteMs >= WRITE_EVERY_MS) {
        lastWriteMs = nowMs;
        write();
      }
    },
    stop() {
      lastWriteMs = Number.POSITIVE_INFINITY;
    },
  };
}
