import type { ExoSimulator, ExoSimulatorOptions } from '@llm-lab/testkit/exo-sim';
import type { Attributes, Tracer } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { RouterConfig } from '../../src/config.ts';
import { createModelManager, type ModelManager } from '../../src/lifecycle/model-manager.ts';
import type { LifecycleLogger } from '../../src/lifecycle/types.ts';
import {
  configFor,
  inMemoryTelemetry,
  LLAMA_1B,
  LLAMA_3B,
  startFastSimulator,
} from '../support/test-backend.ts';

// A model manager in front of a real EXO simulator, with real OTel SDK objects and a logger
// that keeps its records. Everything it starts is stopped by close().

export { LLAMA_1B, LLAMA_3B };
export const QWEN_30B = 'mlx-community/Qwen3-30B-A3B-4bit';
export const DEEPSEEK = 'mlx-community/DeepSeek-V3.1-4bit';
export const GIB = 1024 ** 3;

export interface LogRecord {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

export interface Harness {
  sim: ExoSimulator;
  manager: ModelManager;
  config: RouterConfig;
  logs: LogRecord[];
  /** The tracer the manager uses, for parent spans in tests. */
  tracer: Tracer;
  /** Finished spans named `name`, after a flush. */
  spans(name?: string): Promise<ReadableSpan[]>;
  metrics(): Promise<Map<string, Array<{ value: unknown; attributes: Attributes }>>>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  sim?: ExoSimulatorOptions;
  /** The YAML document minus exo.baseUrl (filled in). */
  config?: Record<string, unknown>;
  healthIntervalMs?: number;
  unloadConfirmMs?: number;
  adopt?: boolean;
}

export const defaultModels = {
  'llama-1b': { exoModelId: LLAMA_1B, aliases: ['llama-small'] },
  'llama-3b': { exoModelId: LLAMA_3B },
  'qwen-30b': { exoModelId: QWEN_30B },
  deepseek: { exoModelId: DEEPSEEK },
};

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sim = await startFastSimulator(options.sim);
  const raw = options.config ?? {};
  const config = configFor(sim, defaultModels, {
    ...raw,
    defaults: { ttl: '30m', ...(raw.defaults as object) },
  });

  const logs: LogRecord[] = [];
  const log = (level: string) => (obj: object, msg: string) =>
    logs.push({ level, obj: obj as Record<string, unknown>, msg });
  const logger: LifecycleLogger = {
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    debug: log('debug'),
  };

  const telemetry = inMemoryTelemetry();
  const tracer = telemetry.tracerProvider.getTracer('test');

  const manager = createModelManager({
    config,
    logger,
    tracer,
    meter: telemetry.meterProvider.getMeter('test'),
    timing: {
      pollIntervalMs: 20,
      healthIntervalMs: options.healthIntervalMs ?? 60_000,
      unloadConfirmMs: options.unloadConfirmMs ?? 3000,
    },
  });

  return {
    sim,
    manager,
    config,
    logs,
    tracer,
    async spans(name) {
      const all = telemetry.spans();
      return name ? all.filter((span) => span.name === name) : all;
    },
    async metrics() {
      const { resourceMetrics } = await telemetry.collect();
      const found = new Map<string, Array<{ value: unknown; attributes: Attributes }>>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          found.set(
            metric.descriptor.name,
            metric.dataPoints.map((p) => ({ value: p.value, attributes: p.attributes })),
          );
        }
      }
      return found;
    },
    async close() {
      await manager.close();
      await sim.close();
      await telemetry.shutdown();
    },
  };
}

/** Polls until check() is truthy, up to timeoutMs; throws naming what it waited for. */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function statusOf(manager: ModelManager, name: string) {
  const status = manager.list().find((s) => s.name === name);
  if (!status) throw new Error(`no status for ${name}`);
  return status;
}

export const noSignal = (): AbortSignal => new AbortController().signal;
