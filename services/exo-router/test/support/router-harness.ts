import { Writable } from 'node:stream';
import type { ExoSimulator, ExoSimulatorOptions } from '@llm-lab/testkit/exo-sim';
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { DataPoint } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { pino } from 'pino';
import { createApp, type RouterApp } from '../../src/app.ts';
import type { RouterConfig } from '../../src/config.ts';
import { createModelManager, type ModelManager } from '../../src/lifecycle/model-manager.ts';
import {
  configFor,
  inMemoryTelemetry,
  LLAMA_1B,
  LLAMA_3B,
  startFastSimulator,
} from './test-backend.ts';

// The router (real app, real model manager) on 127.0.0.1 port 0 in front of a real EXO
// simulator, with real OTel SDK objects and a logger whose lines are kept for inspection.

export { LLAMA_1B, LLAMA_3B };

export interface RouterHarness {
  url: string;
  sim: ExoSimulator;
  manager: ModelManager;
  app: RouterApp;
  config: RouterConfig;
  /** Every log line written so far, raw JSON text. */
  logText(): string;
  spans(): ReadableSpan[];
  /** Data points of one metric, after a collection. */
  points(name: string): Promise<DataPoint<unknown>[]>;
  close(): Promise<void>;
}

export interface RouterHarnessOptions {
  sim?: ExoSimulatorOptions;
  /** The YAML document; exo.baseUrl is filled in. */
  config?: Record<string, unknown>;
  heartbeatMs?: number;
  /** How often the manager checks loaded models against EXO (default 200 ms). */
  healthIntervalMs?: number;
}

export async function startRouter(options: RouterHarnessOptions = {}): Promise<RouterHarness> {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const telemetry = inMemoryTelemetry();

  let logs = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);

  const sim = await startFastSimulator(options.sim);
  const config = configFor(
    sim,
    {
      'llama-1b': { exoModelId: LLAMA_1B, aliases: ['llama-small'] },
      'llama-3b': { exoModelId: LLAMA_3B },
    },
    options.config,
  );
  const tracer = telemetry.tracerProvider.getTracer('exo-router');
  const meter = telemetry.meterProvider.getMeter('exo-router');
  const manager = createModelManager({
    config,
    logger,
    tracer,
    meter,
    timing: {
      pollIntervalMs: 20,
      healthIntervalMs: options.healthIntervalMs ?? 200,
      unloadConfirmMs: 3000,
    },
  });
  const app = await createApp({
    config,
    manager,
    logger,
    tracer,
    meter,
    heartbeatMs: options.heartbeatMs ?? 10_000,
  });
  const address = await app.fastify.listen({ host: '127.0.0.1', port: 0 });

  return {
    url: address,
    sim,
    manager,
    app,
    config,
    logText: () => logs,
    spans: () => telemetry.spans(),
    async points(name) {
      const { resourceMetrics } = await telemetry.collect();
      const metric = resourceMetrics.scopeMetrics
        .flatMap((s) => s.metrics)
        .find((m) => m.descriptor.name === name);
      return (metric?.dataPoints ?? []) as DataPoint<unknown>[];
    },
    async close() {
      await app.close();
      await manager.close();
      await sim.close();
      await telemetry.shutdown();
    },
  };
}

/** Polls until check() returns a truthy value, up to timeoutMs. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  what = 'condition',
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

/** The parts of router JSON answers the tests read. */
export interface AnswerJson {
  error: { code: string; message: string; type: string };
  type?: string;
  exo?: { ok: boolean };
  status?: string;
  model?: { state: string };
  models?: { name: string; state: string }[];
  unloaded?: string[];
}
