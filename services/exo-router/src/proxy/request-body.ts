import type { FastifyRequest } from 'fastify';
import { RouterError } from '../errors.ts';
import type { RouteTable, Target } from './route-table.ts';

// Reading what the client sent: the JSON body, the model it names, the headers worth passing on.

export function parseBody(raw: unknown): Record<string, unknown> {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new RouterError(
      'invalid_request',
      `the request body is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new RouterError('invalid_request', 'the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function resolveTarget(body: Record<string, unknown>, table: RouteTable): Target {
  const model = body.model;
  if (typeof model !== 'string' || model === '') {
    throw new RouterError(
      'invalid_request',
      'the request body needs a "model" string naming the model to use',
    );
  }
  const target = table.resolve(model);
  if (target) return target;

  const names = table.knownNames();
  const list = names.length > 0 ? names.join(', ') : 'none are configured';
  throw new RouterError(
    'model_not_found',
    `model "${model}" is not served here; known models: ${list}`,
  );
}

// Client headers worth passing on; auth, hop-by-hop and length headers are rebuilt by us.
const passed = ['anthropic-version', 'anthropic-beta', 'openai-beta', 'x-request-id'];

export function passHeaders(headers: FastifyRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of passed) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/** What the client sent as the conversation, for telemetry.recordContent. */
export function promptOf(body: Record<string, unknown>): string {
  const prompt = body.messages ?? body.input ?? null;
  const system = body.system ?? body.instructions;
  return JSON.stringify(system === undefined ? prompt : { system, messages: prompt });
}
