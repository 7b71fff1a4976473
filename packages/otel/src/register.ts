// Side-effect entry: `node --import @llm-lab/otel/register app.js` starts telemetry before the
// app loads, named by OTEL_SERVICE_NAME (or the app's package name), and flushes it on exit.
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { join } from 'node:path';
import { readLabSettings } from './settings.ts';
import { startTelemetry } from './start.ts';

// ESM imports of node:http bypass require hooks; this loader hook lets the HTTP
// instrumentation patch them too. Only the instrumented modules are wrapped.
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
  data: { include: ['node:http', 'http', 'node:https', 'https'] },
});

const telemetry = startTelemetry({
  serviceName: readLabSettings().serviceName ?? packageName() ?? 'unknown_service',
  ...(packageVersion() ? { serviceVersion: packageVersion() } : {}),
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void stopOn(signal));
}

async function stopOn(signal: NodeJS.Signals) {
  await telemetry.shutdown();

  // Our listener replaced the default action; when the app has none of its own, end as asked.
  if (process.listenerCount(signal) === 0) process.exit(0);
}

function packageJson(): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

function packageName() {
  return packageJson()?.name?.replace(/^@[^/]+\//, '');
}

function packageVersion() {
  return packageJson()?.version;
}
