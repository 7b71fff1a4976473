import { startTelemetry } from '@llm-lab/otel';
import { createApp } from './app.ts';
import { ConfigError, helpText, loadConfig, type RouterConfig } from './config.ts';
import { createModelManager } from './lifecycle/model-manager.ts';

// Reads the config, starts telemetry, serves, and handles SIGHUP (reload) and SIGTERM/SIGINT
// (bounded shutdown).

const shutdownBoundMs = 10_000;

const config = readConfigOrExit();
const telemetry = startTelemetry({
  serviceName: 'exo-router',
  serviceVersion: '0.1.0',
  defaults: { cluster: 'mac-exo' },
  // The router makes its own SERVER and CLIENT spans; automatic ones would double them.
  instrument: { http: false, undici: false, fastify: false },
});
const { logger, tracer, meter } = telemetry;

const manager = createModelManager({ config, logger, tracer, meter });
const app = await createApp({ config, manager, logger, tracer, meter });
const address = await app.fastify
  .listen({ host: config.listen.host, port: config.listen.port })
  .catch(async (err: unknown) => {
    logger.error({ err, listen: config.listen }, 'cannot listen; is the port taken?');
    await telemetry.shutdown();
    process.exit(1);
  });
logger.info(
  { address, models: Object.keys(config.models), config: config.source },
  'exo-router listening',
);

manager.adoptExisting().catch((err: unknown) => {
  logger.warn({ err }, 'could not adopt existing EXO instances; they will be adopted on first use');
});

process.on('SIGHUP', () => reload());
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

function readConfigOrExit(): RouterConfig {
  try {
    const result = loadConfig();
    if (result.help) {
      process.stdout.write(`${helpText}\n`);
      process.exit(0);
    }
    return result.config;
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  }
}

function reload(): void {
  let next: RouterConfig;
  try {
    const result = loadConfig();
    if (result.help) return;
    next = keepExoUrl(result.config);
  } catch (err) {
    logger.error({ err }, 'config reload rejected; the running configuration stays');
    return;
  }

  if (next.listen.host !== config.listen.host || next.listen.port !== config.listen.port) {
    logger.warn(
      { listen: next.listen },
      'listen address changes need a restart; keeping the old one',
    );
  }
  manager.reconfigure(next);
  app.reconfigure(next);
  logger.info(
    { models: Object.keys(next.models), upstreams: Object.keys(next.upstreams) },
    'configuration reloaded',
  );
}

// Instances the router created live on the old EXO: switching URLs at run time would orphan
// them (never unloaded), so the EXO URL, like the listen address, needs a restart.
function keepExoUrl(next: RouterConfig): RouterConfig {
  if (next.exo.baseUrl === config.exo.baseUrl) return next;
  logger.warn(
    { exoBaseUrl: next.exo.baseUrl, kept: config.exo.baseUrl },
    'exo.baseUrl changes need a restart; keeping the old EXO URL',
  );
  return Object.freeze({
    ...next,
    exo: Object.freeze({ ...next.exo, baseUrl: config.exo.baseUrl }),
  });
}

async function shutdown(signal: string): Promise<void> {
  logger.info({ signal }, 'exo-router stopping');
  app.refuseReceiving('exo-router is shutting down; the request body had not fully arrived');
  const force = setTimeout(() => {
    // Every request ends in an answer or an explicit error: streams get an error event first.
    const closed = app.closeRequests(
      'exo-router is shutting down; the request was cut off at the shutdown bound and is incomplete',
    );
    logger.warn(
      { boundMs: shutdownBoundMs, closed },
      'requests still running at the shutdown bound; closing them',
    );
    // A moment for the error events to reach the sockets before they are cut.
    setTimeout(() => app.fastify.server.closeAllConnections(), 200).unref();
  }, shutdownBoundMs);
  force.unref();

  await app
    .close()
    .catch((err: unknown) => logger.error({ err }, 'closing the HTTP server failed'));
  await manager
    .close()
    .catch((err: unknown) => logger.error({ err }, 'closing the model manager failed'));
  clearTimeout(force);
  await telemetry.shutdown();
  process.exit(0);
}
