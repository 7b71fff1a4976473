import { RouterError } from '../errors.ts';
import type { ExoInstance, ExoState, PlacementRequest } from './exo-types.ts';
import { formatDuration } from './format-duration.ts';
import { parseInstance, parseState } from './parse-state.ts';

export interface ExoClient {
  readonly baseUrl: string;
  /** GET /node_id: the 1.x liveness probe; rejects with exo_error naming a 0.x server. */
  nodeId(): Promise<string>;
  state(): Promise<ExoState>;
  models(): Promise<ExoModel[]>;
  /** GET /instance/placement; a 400 (cannot place) is an answer, not an exception. */
  placement(request: PlacementRequest): Promise<ExoAnswer<ExoInstance>>;
  /** POST /instance with the object placement returned; a 400 (memory) is an answer. */
  createInstance(instance: ExoInstance): Promise<ExoAnswer<true>>;
  /** GET /instance/{id}; undefined on 404. */
  getInstance(instanceId: string): Promise<ExoInstance | undefined>;
  /** DELETE /instance/{id}; false when EXO does not know the id (404). */
  deleteInstance(instanceId: string): Promise<boolean>;
}

export type ExoAnswer<T> = { ok: true; value: T } | { ok: false; status: number; message: string };

export interface ExoModel {
  id: string;
  huggingFaceId?: string;
  /** From `storage_size_megabytes` (EXO's MB are MiB: `Memory.in_mb` divides by 1024²). */
  storageBytes?: number;
}

export interface ExoClientOptions {
  baseUrl: string;
  requestTimeoutMs: number;
}

interface Reply {
  status: number;
  body: unknown;
  text: string;
}

/** A typed client for EXO 1.x's control routes; every call is bounded by requestTimeoutMs. */
export function createExoClient(options: ExoClientOptions): ExoClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const call = (method: string, path: string, body?: unknown) =>
    request(baseUrl, options.requestTimeoutMs, method, path, body);

  return {
    baseUrl,

    async nodeId() {
      const reply = await call('GET', '/node_id');
      if (reply.status === 200 && typeof reply.body === 'string') return reply.body;
      throw await notOneX(call, baseUrl, 'GET /node_id', reply);
    },

    async state() {
      const reply = await call('GET', '/state');
      if (reply.status !== 200) throw await notOneX(call, baseUrl, 'GET /state', reply);
      try {
        return parseState(reply.body);
      } catch (err) {
        throw new RouterError('exo_error', `EXO at ${baseUrl}: ${(err as Error).message}`);
      }
    },

    async models() {
      const reply = await call('GET', '/v1/models');
      if (reply.status !== 200) throw unusable(baseUrl, 'GET /v1/models', reply);
      const data = (reply.body as { data?: unknown })?.data;
      if (!Array.isArray(data)) throw unusable(baseUrl, 'GET /v1/models', reply);
      return data
        .filter(
          (m): m is { id: string; hugging_face_id?: unknown; storage_size_megabytes?: unknown } =>
            typeof m?.id === 'string',
        )
        .map((m) => {
          const model: ExoModel = { id: m.id };
          if (typeof m.hugging_face_id === 'string') model.huggingFaceId = m.hugging_face_id;
          const megabytes = m.storage_size_megabytes;
          if (typeof megabytes === 'number' && Number.isFinite(megabytes) && megabytes > 0) {
            model.storageBytes = megabytes * 1024 * 1024;
          }
          return model;
        });
    },

    async placement(placement) {
      const query = new URLSearchParams({
        model_id: placement.modelId,
        sharding: placement.sharding,
        instance_meta: placement.instanceType,
        min_nodes: String(placement.minNodes),
      });
      const reply = await call('GET', `/instance/placement?${query}`);
      if (reply.status === 400) return { ok: false, status: 400, message: exoMessage(reply) };
      const instance = reply.status === 200 ? parseInstance(reply.body) : undefined;
      if (instance) return { ok: true, value: instance };
      const error = unusable(baseUrl, 'GET /instance/placement', reply);
      // EXO answers 500 when it cannot load the model card (unknown id, or no Hugging Face access).
      if (reply.status === 500) {
        error.message += ` (is ${placement.modelId} a model id EXO knows? /v1/models lists them)`;
      }
      throw error;
    },

    async createInstance(instance) {
      const reply = await call('POST', '/instance', { instance: instance.raw });
      if (reply.status === 200) return { ok: true, value: true };
      if (reply.status === 400) return { ok: false, status: 400, message: exoMessage(reply) };
      throw unusable(baseUrl, 'POST /instance', reply);
    },

    async getInstance(instanceId) {
      const reply = await call('GET', `/instance/${encodeURIComponent(instanceId)}`);
      if (reply.status === 404) return undefined;
      const instance = reply.status === 200 ? parseInstance(reply.body) : undefined;
      if (!instance) throw unusable(baseUrl, 'GET /instance/{id}', reply);
      return instance;
    },

    async deleteInstance(instanceId) {
      const reply = await call('DELETE', `/instance/${encodeURIComponent(instanceId)}`);
      if (reply.status === 404) return false;
      if (reply.status === 200) return true;
      throw unusable(baseUrl, 'DELETE /instance/{id}', reply);
    },
  };
}

async function request(
  baseUrl: string,
  timeoutMs: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<Reply> {
  const route = `${method} ${path.split('?')[0]}`;
  let response: Response;
  let text: string;
  try {
    const init: RequestInit = { method, signal: AbortSignal.timeout(timeoutMs) };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    response = await fetch(`${baseUrl}${path}`, init);
    text = await response.text();
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError';
    const why = timedOut
      ? `no answer to ${route} within exo.requestTimeout ${formatDuration(timeoutMs)}`
      : `${route} failed: ${describeNetworkError(err)}`;
    throw new RouterError('exo_unreachable', `EXO is unreachable at ${baseUrl}: ${why}`, {
      cause: err,
    });
  }

  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

// A 1.x route that answered 404: either a 0.x server (which has /healthcheck), or something
// that is not EXO at all. Either way the message says which.
async function notOneX(
  call: (method: string, path: string) => Promise<Reply>,
  baseUrl: string,
  route: string,
  reply: Reply,
): Promise<RouterError> {
  if (reply.status !== 404) return unusable(baseUrl, route, reply);

  const legacy = await call('GET', '/healthcheck').catch(() => undefined);
  if (legacy?.status === 200 && (legacy.body as { status?: unknown })?.status === 'ok') {
    return new RouterError(
      'exo_error',
      `EXO at ${baseUrl} is a 0.x server (it answers GET /healthcheck but has no ${route}); exo-router needs EXO 1.x, which creates and deletes instances. Upgrade EXO, or front this server as a plain upstream.`,
    );
  }
  return unusable(baseUrl, route, reply);
}

function unusable(baseUrl: string, route: string, reply: Reply): RouterError {
  return new RouterError(
    'exo_error',
    `EXO at ${baseUrl} answered ${route} with ${reply.status}: ${exoMessage(reply)}`,
  );
}

/** EXO's own words: the {"error":{"message"}} envelope, FastAPI's {"detail"}, or the text. */
export function exoMessage(reply: Reply): string {
  const body = reply.body as { error?: { message?: unknown }; detail?: unknown } | undefined;
  if (typeof body?.error?.message === 'string') return body.error.message;
  if (typeof body?.detail === 'string') return body.detail;
  if (body?.detail !== undefined) return JSON.stringify(body.detail);
  return reply.text.slice(0, 500) || '(empty body)';
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return (err as Error).message;
}
