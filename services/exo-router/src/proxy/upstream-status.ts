import { RouterError } from '../errors.ts';

// Turns a non-2xx upstream answer into a RouterError that carries the upstream's own words.

export interface UpstreamLabel {
  label: string;
  url: string;
  exo: boolean;
}

export function isMissingInstance(status: number, text: string): boolean {
  return status === 404 && text.includes('No instance found');
}

export function upstreamStatusError(
  status: number,
  text: string,
  headers: Record<string, string | string[] | undefined>,
  target: UpstreamLabel,
): RouterError {
  const words = upstreamMessage(text) || `HTTP ${status}`;

  // FastAPI answers body validation failures with 422 (exo-api §3.2): the client's fault.
  if (status === 400 || status === 422) {
    return new RouterError('invalid_request', `${target.label} rejected the request: ${words}`);
  }
  if (status === 429) {
    const retry = Number(headers['retry-after']);
    return new RouterError('queue_full', `${target.label} is busy: ${words}`, {
      retryAfterSeconds: Number.isFinite(retry) && retry > 0 ? retry : 1,
    });
  }
  // A glob routed the name here, but the upstream does not have it (llama-swap: "could not
  // find suitable inference handler"): the client named a model that does not exist.
  if (status === 404 && !target.exo) {
    return new RouterError(
      'model_not_found',
      `${target.label} at ${target.url} does not know this model: ${words}`,
    );
  }
  const code = target.exo ? 'exo_error' : 'upstream_error';
  return new RouterError(code, `${target.label} at ${target.url} answered ${status}: ${words}`);
}

function upstreamMessage(text: string): string {
  try {
    const body = JSON.parse(text) as {
      error?: { message?: unknown } | string;
      detail?: unknown;
      message?: unknown;
    };
    if (typeof body.error === 'string') return body.error;
    if (typeof body.error?.message === 'string') return body.error.message;
    if (typeof body.message === 'string') return body.message;
    if (body.detail !== undefined) return JSON.stringify(body.detail).slice(0, 500);
  } catch {
    // Not JSON: use the text itself.
  }
  return text.trim().slice(0, 500);
}
