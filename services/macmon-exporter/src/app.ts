// The exporter, assembled: a supervised `macmon pipe` child whose lines feed the sample handler
// and the OTel instruments. Builds everything, starts nothing until start() is called.

import type { Meter } from '@opentelemetry/api';
import { createSupervisor, type Supervisor } from './child/supervisor.ts';
import type { Config } from './config.ts';
import type { Logger, WarnLimited } from './logger.ts';
import { createSampleHandler } from './sample-handler.ts';
import { createInstruments } from './telemetry/instruments.ts';

export interface MacmonExporterDeps {
  config: Pick<
    Config,
    'intervalMs' | 'maxLineBytes' | 'startupGraceMs' | 'restartInitialMs' | 'restartMaxMs'
  >;
  macmonPath: string;
  meter: Meter;
  logger: Logger;
  warnLimited: WarnLimited;
  /** Extra environment for the child (tests drive the stand-in's faults with it). */
  childEnv?: Record<string, string>;
  now?: () => number;
}

export interface MacmonExporter {
  start: () => void;
  /** Stops the child (bounded by its 2 s kill grace); gauges keep the last sample for the final flush. */
  stop: () => Promise<void>;
  /** Crash path: SIGKILL the child synchronously. */
  killChildNow: () => void;
  readonly childPid: number | undefined;
}

/** A child with output for this long has recovered; its next crash restarts at the initial delay. */
const HEALTHY_RESET_MS = 5 * 60_000;

export function createMacmonExporter(deps: MacmonExporterDeps): MacmonExporter {
  const { config, logger } = deps;
  const now = deps.now ?? Date.now;
  const silenceLimitMs = 3 * config.intervalMs;

  const instruments = createInstruments(deps.meter, { freshForMs: silenceLimitMs, now });
  const handler = createSampleHandler({
    instruments,
    intervalMs: config.intervalMs,
    now,
    logger,
    warnLimited: deps.warnLimited,
  });

  const supervisor: Supervisor = createSupervisor({
    command: deps.macmonPath,
    args: ['pipe', '-i', String(config.intervalMs)],
    ...(deps.childEnv === undefined ? {} : { env: deps.childEnv }),
    maxLineBytes: config.maxLineBytes,
    silenceLimitMs,
    startupGraceMs: config.startupGraceMs,
    backoff: {
      initialMs: config.restartInitialMs,
      maxMs: config.restartMaxMs,
      resetAfterMs: HEALTHY_RESET_MS,
    },
    logger,
    onLine: handler.line,
    onOversized: handler.oversized,
    onRestart: instruments.countRestart,
  });

  return {
    start: supervisor.start,
    stop: supervisor.stop,
    killChildNow: supervisor.killNow,
    get childPid() {
      return supervisor.pid;
    },
  };
}
