import { createRateLimitedLog, startTelemetry } from '@llm-lab/otel';
import { createExporter } from './app.ts';
import { ConfigError, helpText, loadConfig, wantsHelp } from './config.ts';

const SERVICE_VERSION = '0.1.0';
const SHUTDOWN_BUDGET_MS = 4500;

main();

function main(): void {
  if (wantsHelp()) {
    process.stdout.write(`${helpText()}\n`);
    return;
  }

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`nvidia-power-exporter: ${err.code}: ${err.message}`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }

  const telemetry = startTelemetry({
    serviceName: 'nvidia-power-exporter',
    serviceVersion: SERVICE_VERSION,
    defaults: { cluster: 'nvidia' },
    instrument: { http: false, undici: false, fastify: false },
    shutdownTimeoutMs: 3000,
  });
  const { logger } = telemetry;
  const exporter = createExporter({
    config,
    logger,
    meter: telemetry.meter,
    warnLimited: createRateLimitedLog(logger, { intervalMs: 60_000 }),
  });

  exporter.start();
  logger.info(
    { smiPath: config.smiPath, intervalMs: config.intervalMs, gpus: config.gpus ?? 'all' },
    'nvidia-power-exporter started',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    // Whatever hangs, leave within the 5 s a container runtime gives before SIGKILL.
    setTimeout(() => process.exit(0), SHUTDOWN_BUDGET_MS).unref();
    await exporter.stop();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
