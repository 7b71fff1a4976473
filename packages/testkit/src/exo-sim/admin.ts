import type { ServerResponse } from 'node:http';
import type { SimContext } from './control.ts';
import { sendJson } from './http.ts';
import type { ExoSimulatorOptions } from './index.ts';
import { applyOptions } from './options.ts';

const FAULT_NAMES = new Set([
  'runnerFailed',
  'downloadFailed',
  'loadingStalls',
  'vanishRunner',
  'deleteInstanceMidStream',
  'nullDeltaFields',
  'legacyServer',
  'unreachable',
]);

const OPTION_NAMES = new Set([
  'downloadMs',
  'loadMs',
  'warmupMs',
  'tokensPerSecond',
  'prefillMs',
  'completionTokens',
  'keepAliveMs',
  'shutdownMs',
  'retryBackoffMs',
  'maxInstanceRetries',
]);

/**
 * Simulator-only routes under `/_sim/` (EXO has none of them), so a parent process such as the
 * demo can flip faults and speeds of a CLI-started simulator:
 * `GET /_sim/stats`, `POST /_sim/faults {"runnerFailed":"…"}`, `POST /_sim/options {"tokensPerSecond":5}`.
 * They are answered even while `legacyServer` is on; `unreachable` resets them like everything else.
 */
export function handleAdmin(
  ctx: SimContext,
  res: ServerResponse,
  method: string,
  path: string,
  body: unknown,
): boolean {
  if (!path.startsWith('/_sim/')) return false;

  const update = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  if (method === 'GET' && path === '/_sim/stats') {
    sendJson(res, 200, { stats: ctx.stats, faults: ctx.cluster.faults });
  } else if (method === 'POST' && path === '/_sim/faults') {
    const unknown = Object.keys(update).filter((name) => !FAULT_NAMES.has(name));
    if (unknown.length > 0) return reject(res, `unknown fault(s): ${unknown.join(', ')}`);
    const midStream = update.deleteInstanceMidStream;
    if (!(midStream === undefined || typeof midStream === 'boolean' || isAfterTokens(midStream))) {
      return reject(res, 'deleteInstanceMidStream is true, false or {"afterTokens": <n>}');
    }
    Object.assign(ctx.cluster.faults, update);
    sendJson(res, 200, { faults: ctx.cluster.faults });
  } else if (method === 'POST' && path === '/_sim/options') {
    const bad = Object.entries(update).filter(
      ([name, value]) => !OPTION_NAMES.has(name) || typeof value !== 'number' || value < 0,
    );
    if (bad.length > 0) {
      return reject(res, `options must be numbers >= 0 among ${[...OPTION_NAMES].join(', ')}`);
    }
    applyOptions(ctx.cluster.options, update as Partial<ExoSimulatorOptions>);
    sendJson(res, 200, { ok: true });
  } else {
    sendJson(res, 404, { detail: 'Not Found' });
  }
  return true;
}

function isAfterTokens(value: unknown): boolean {
  const after = (value as { afterTokens?: unknown } | null)?.afterTokens;
  return typeof after === 'number' && after >= 0;
}

function reject(res: ServerResponse, message: string): true {
  sendJson(res, 400, { detail: message });
  return true;
}
