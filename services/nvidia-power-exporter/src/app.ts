import { performance } from 'node:perf_hooks';
import type { Meter } from '@opentelemetry/api';
import type { Config } from './config.ts';
import { GpuStore } from './gpu/gpu-store.ts';
import { createHeartbeat } from './heartbeat.ts';
import type { Logger } from './logger.ts';
import type { SpawnSmi } from './smi/child.ts';
import { spawnSmi } from './smi/child.ts';
import type { GpuRow, LostRow } from './smi/parse-row.ts';
import { parseRow } from './smi/parse-row.ts';
import { createSupervisor } from './smi/supervisor.ts';
import type { ExporterCounters } from './telemetry/instruments.ts';
import { registerInstruments } from './telemetry/instruments.ts';

export interface ExporterDeps {
  config: Config;
  logger: Logger;
  meter: Meter;
  /** Rate-limited logging for events that can repeat every tick. */
  warnLimited: (level: 'warn' | 'error', fields: object, message: string) => void;
  /** Replaces the real child spawner (tests). */
  spawn?: SpawnSmi;
  /** Monotonic and wall clocks (tests). */
  now?: () => number;
  wallNow?: () => number;
}

export interface Exporter {
  /** Starts the nvidia-smi loop; never called by the factory itself. */
  start(): void;
  /** Kills the child and stops; resolves once it is gone. */
  stop(): Promise<void>;
  /** The query fields the driver accepted so far. */
  fields(): readonly string[];
}

/** Wires nvidia-smi rows to the gpu.* instruments. */
export function createExporter(deps: ExporterDeps): Exporter {
  const { config, logger } = deps;
  const now = deps.now ?? (() => performance.now());
  const wallNow = deps.wallNow ?? Date.now;
  const store = new GpuStore(config.intervalMs);
  const counters = registerInstruments(deps.meter, () => store.fresh(now()));
  const heartbeat = createHeartbeat(config, logger);
  const migLogged = new Set<string>();

  const supervisor = createSupervisor({
    smiPath: config.smiPath,
    intervalMs: config.intervalMs,
    gpus: config.gpus,
    startTimeoutMs: config.startTimeoutMs,
    backoff: { initialMs: 1000, maxMs: 60_000 },
    logger,
    spawn: deps.spawn ?? spawnSmi,
    onLine: (line, fields) => handleLine(line, fields),
    onText: (lines) => deps.warnLimited('warn', { lines }, 'nvidia-smi printed text between rows'),
    onFailure: (failure) => counters.restarted(failure.code),
    onTurn: () => heartbeat.beat(),
  });

  function handleLine(line: string, fields: readonly string[]): boolean {
    const parsed = parseRow(line, fields);
    if (parsed.kind === 'bad') {
      return false;
    }
    if (parsed.kind === 'lost') {
      onLost(parsed, counters);
    } else {
      onRow(parsed);
    }
    counters.rowsParsed(1);
    heartbeat.beat();
    return true;
  }

  function onRow(row: GpuRow): void {
    const outcome = store.record(row, now(), wallNow());
    for (const { field, reason } of row.rejected) {
      counters.rejected(field, reason);
    }
    if (outcome === 'new') {
      logger.info({ gpu: row.gpu }, 'GPU found');
    } else if (outcome === 'recovered') {
      logger.info({ gpu: row.gpu }, 'GPU answers again');
    }
    const uuid = row.gpu.uuid ?? '';
    if (row.migEnabled && !migLogged.has(uuid)) {
      migLogged.add(uuid);
      logger.info(
        { gpu: row.gpu },
        'MIG mode is on: nvidia-smi reports no utilization, so gpu.utilization is absent',
      );
    }
  }

  function onLost(row: LostRow, counts: ExporterCounters): void {
    counts.rejected('row', 'gpu_lost');
    const state = store.markLost(row);
    if (state !== undefined) {
      logger.error(
        { code: 'NVSMI_GPU_LOST', gpu: state.attributes },
        'GPU is lost (fallen off the bus): its series stop; check `dmesg` for Xid 79, reseat or reboot',
      );
    }
  }

  return {
    start() {
      heartbeat.start();
      supervisor.start();
    },
    async stop() {
      await supervisor.stop();
      heartbeat.stop();
    },
    fields: () => supervisor.fields(),
  };
}
