import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RouterError } from '../errors.ts';
import { errorBody, flavourOf } from './error-body.ts';

// Optional API keys: when any are configured, every route except the health probes needs
// `Authorization: Bearer <key>` or `x-api-key: <key>`. Keys are compared in constant time and
// never logged.

export function createAuthHook(keys: () => readonly string[]) {
  return async function checkKey(request: FastifyRequest, reply: FastifyReply) {
    const allowed = keys();
    if (allowed.length === 0 || request.url.startsWith('/health/')) return;

    const presented = presentedKey(request);
    if (presented !== undefined && allowed.some((key) => sameKey(key, presented))) return;

    const error = new RouterError(
      'unauthorized',
      presented === undefined
        ? 'an API key is required: send Authorization: Bearer <key> or x-api-key: <key>'
        : 'the API key is not valid for this router',
    );
    return reply.code(401).send(errorBody(error, flavourOf(request.url)));
  };
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^bearer\s+/i.test(header))
    return header.replace(/^bearer\s+/i, '').trim();
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined;
}

function sameKey(expected: string, presented: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}
