// Line → sample → readings → instruments. The one place a macmon line is judged; counts and logs
// what it drops. Takes its clock as an argument so tests can replay samples at a known interval.

import { createEnergyIntegrator } from './energy-integrator.ts';
import type { Logger, WarnLimited } from './logger.ts';
import { deriveReadings } from './sample/derive-readings.ts';
import { parseLine } from './sample/parse-line.ts';
import type { Instruments } from './telemetry/instruments.ts';

export interface SampleHandlerOptions {
  instruments: Instruments;
  intervalMs: number;
  now: () => number;
  logger: Logger;
  /** Rate-limited warn for bad lines (at most once a minute). */
  warnLimited: WarnLimited;
}

export interface SampleHandler {
  line: (text: string) => void;
  oversized: (bytes: number) => void;
}

/** Longest piece of a bad line copied into a log record. */
const LOGGED_LINE_CHARS = 200;

export function createSampleHandler(options: SampleHandlerOptions): SampleHandler {
  const { instruments, intervalMs, now, logger, warnLimited } = options;
  const energy = createEnergyIntegrator(3 * intervalMs);

  return {
    line(text) {
      const parsed = parseLine(text);
      if (parsed.kind === 'empty') return;
      if (parsed.kind === 'rejected') {
        instruments.countRejected(parsed.reason);
        warnLimited(
          'warn',
          { reason: parsed.reason, line: text.slice(0, LOGGED_LINE_CHARS) },
          'macmon line rejected',
        );
        return;
      }

      const atMs = now();
      const { readings, problems } = deriveReadings(parsed.sample);
      for (const problem of problems) {
        instruments.countRejected(problem.reason, problem.field);
      }
      if (problems.length > 0) logger.debug({ problems }, 'macmon readings skipped');

      instruments.recordSample(readings, atMs);
      const step = energy.add({
        atMs,
        totalWatts: readings.gauges.powerTotal,
        gpuWatts: readings.gauges.powerGpu,
      });
      instruments.addEnergy(step.totalJoules, step.gpuJoules);
    },
    oversized(bytes) {
      instruments.countRejected('line_too_long');
      warnLimited('warn', { reason: 'line_too_long', bytes }, 'macmon line rejected');
    },
  };
}
