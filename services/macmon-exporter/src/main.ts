// Entry point: config, macmon lookup, telemetry, the exporter, and a bounded shutdown.

import { createRateLimitedLog, startTelemetry } from '@llm-lab/otel';
import { createMacmonExporter } from './app.ts';
import { helpText, loadConfig } from './config.ts';
import { ExporterError, macmonNotFound } from './errors.ts';
import { findMacmon } from './locate/find-macmon.ts';

const SERVICE_VERSION = '0.1.0';
/** SIGTERM must end the process within 5 s: child kill ≤ 2 s, then the flush gets the rest. */
const SHUTDOWN_DEADLINE_MS = 4500;

main();

function main(): void {
  const config = loadOrExit();
  if (config.help) {
    process.stdout.write(helpText);
    return;
  }

  const located = findMacmon(config);
  if (!located.found) exitWith(macmonNotFound(located.looked));

  const telemetry = startTelemetry({
    serviceName: 'macmon-exporter',
    serviceVersion: SERVICE_VERSION,
    defaults: { cluster: 'mac-exo' },
    instrument: { http: false, undici: false, fastify: false },
    shutdownTimeoutMs: 2000,
  });
  const { logger } = telemetry;
  const exporter = createMacmonExporter({
    config,
    macmonPath: located.path,
    meter: telemetry.meter,
    logger,
    warnLimited: createRateLimitedLog(logger, { intervalMs: 60_000 }),
  });

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(0), SHUTDOWN_DEADLINE_MS).unref();

    await exporter.stop();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('SIGHUP', shutdown);

  // A crash must not orphan macmon: kill it synchronously, then die loudly.
  process.on('uncaughtException', (err) => {
    exporter.killChildNow();
    logger.error({ err }, 'uncaught exception; exiting');
    process.exit(1);
  });
  process.on('exit', () => exporter.killChildNow());

  exporter.start();
  logger.info(
    { macmon: located.path, source: located.source, intervalMs: config.intervalMs },
    'macmon-exporter started',
  );
}

function loadOrExit() {
  try {
    return loadConfig(process.argv.slice(2));
  } catch (err) {
    return exitWith(err);
  }
}

function exitWith(err: unknown): never {
  const code = err instanceof ExporterError ? err.code : 'UNEXPECTED';
  console.error(`macmon-exporter: ${code}: ${(err as Error).message}`);
  process.exit(2);
}
