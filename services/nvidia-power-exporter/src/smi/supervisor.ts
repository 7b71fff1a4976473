import type { Logger } from '../logger.ts';
import type { SmiChild, SpawnSmi } from './child.ts';
import type { ChildEnd, SmiFailure } from './classify.ts';
import { classifyEnd, hangFailure } from './classify.ts';
import { requiredFields, wantedFields } from './fields.ts';

export interface SupervisorOptions {
  smiPath: string;
  intervalMs: number;
  gpus: readonly string[] | undefined;
  /** How long a new child may take to print its first row. */
  startTimeoutMs: number;
  backoff: { initialMs: number; maxMs: number };
  logger: Logger;
  spawn: SpawnSmi;
  /** Gets every line; returns true when it was a data row (which proves the child alive). */
  onLine: (line: string, fields: readonly string[]) => boolean;
  /** Called for every child that ended in failure, before the restart wait. */
  onFailure: (failure: SmiFailure) => void;
  /** Text printed between good rows: loop mode interleaves XID events (netdata PR #7372). */
  onText: (lines: string[]) => void;
  /** Called after each restart decision, so a liveness file can show the loop turns. */
  onTurn?: () => void;
}

export interface Supervisor {
  start(): void;
  /** Kills the child and stops restarting; resolves once the child is gone. */
  stop(): Promise<void>;
  /** The fields the current driver accepted so far. */
  fields(): readonly string[];
}

// Driver-level failures may end with a different driver: ask for every field again after them
// (an exporter that never re-discovered stayed broken after one bad start: nvidia_gpu_exporter #65).
const REDISCOVER_AFTER = new Set([
  'NVSMI_DRIVER_NOT_LOADED',
  'NVSMI_NVML_MISSING',
  'NVSMI_VERSION_MISMATCH',
]);
const TEXT_KEPT = 20;

/** Keeps exactly one nvidia-smi loop child alive: restarts it with backoff, kills it when silent. */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { logger } = options;
  const droppedLogged = new Set<string>();
  let fields = [...wantedFields];
  let child: SmiChild | undefined;
  let stopped = false;
  let running: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function run(): Promise<void> {
    let delayMs = options.backoff.initialMs;
    let restarting = false;
    while (!stopped) {
      const { end, rows, hungMs } = await runChild(restarting);
      restarting = false;
      if (stopped) {
        return;
      }
      const failure =
        hungMs === undefined ? classifyEnd(end, options.smiPath) : hangFailure(hungMs);
      if (failure.code === 'NVSMI_INVALID_FIELD' && dropField(failure.field ?? '')) {
        continue;
      }

      if (rows > 0) {
        delayMs = options.backoff.initialMs;
      }
      logger.error(
        { code: failure.code, exitCode: end.exitCode, signal: end.signal, retryInMs: delayMs },
        `${failure.message}; check: ${failure.hint}`,
      );
      options.onFailure(failure);
      if (REDISCOVER_AFTER.has(failure.code)) {
        fields = [...wantedFields];
      }
      options.onTurn?.();
      restarting = true;
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, options.backoff.maxMs);
    }
  }

  async function runChild(
    restarting: boolean,
  ): Promise<{ end: ChildEnd; rows: number; hungMs?: number }> {
    const text: string[] = [];
    const current = fields;
    let rows = 0;
    let hungMs: number | undefined;
    let watchdog: NodeJS.Timeout | undefined;

    const arm = () => {
      clearTimeout(watchdog);
      const silentMs =
        rows === 0
          ? Math.max(options.startTimeoutMs, 3 * options.intervalMs)
          : 3 * options.intervalMs;
      watchdog = setTimeout(() => {
        hungMs = silentMs;
        child?.kill();
      }, silentMs);
    };

    child = options.spawn({
      path: options.smiPath,
      fields: current,
      intervalMs: options.intervalMs,
      gpus: options.gpus,
      onLine: (line) => {
        if (options.onLine(line, current)) {
          rows += 1;
          arm();
          if (text.length > 0) {
            options.onText(text.splice(0));
          }
        } else if (line.trim() !== '') {
          text.push(line);
          text.splice(0, Math.max(0, text.length - TEXT_KEPT));
        }
      },
    });
    if (restarting) {
      logger.info({ pid: child.pid }, 'nvidia-smi restarted');
    } else {
      logger.debug({ pid: child.pid, fields: current }, 'nvidia-smi started');
    }
    arm();

    const end = await child.ended;
    clearTimeout(watchdog);
    child = undefined;
    return { end: { ...end, output: text }, rows, ...(hungMs === undefined ? {} : { hungMs }) };
  }

  function dropField(field: string): boolean {
    if (!fields.includes(field) || requiredFields.includes(field)) {
      return false;
    }
    fields = fields.filter((f) => f !== field);
    if (!droppedLogged.has(field)) {
      droppedLogged.add(field);
      logger.warn(
        { code: 'NVSMI_INVALID_FIELD', field },
        `this driver does not know "${field}"; it is dropped and the query retried without it`,
      );
    }
    return true;
  }

  return {
    start() {
      running ??= run();
    },
    async stop() {
      stopped = true;
      child?.kill();
      wake?.();
      await running;
    },
    fields: () => fields,
  };
}
