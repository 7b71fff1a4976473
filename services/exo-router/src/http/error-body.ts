import { RouterError, type RouterErrorCode } from '../errors.ts';

// Error bodies in the shape each client family parses: OpenAI everywhere, Anthropic on
// /v1/messages. The `type` follows each vendor's own vocabulary so SDKs map it to their classes.

export type ApiFlavour = 'openai' | 'anthropic';

const openaiType: Partial<Record<RouterErrorCode, string>> = {
  model_not_found: 'invalid_request_error',
  invalid_request: 'invalid_request_error',
  body_too_large: 'invalid_request_error',
  unauthorized: 'authentication_error',
  queue_full: 'rate_limit_error',
};

const anthropicType: Partial<Record<RouterErrorCode, string>> = {
  model_not_found: 'not_found_error',
  invalid_request: 'invalid_request_error',
  body_too_large: 'request_too_large',
  unauthorized: 'authentication_error',
  queue_full: 'rate_limit_error',
  overloaded: 'overloaded_error',
  placement_failed: 'overloaded_error',
};

export function errorBody(error: RouterError, flavour: ApiFlavour): object {
  if (flavour === 'anthropic') {
    return {
      type: 'error',
      error: { type: anthropicType[error.code] ?? 'api_error', message: error.message },
    };
  }
  return {
    error: {
      message: error.message,
      type: openaiType[error.code] ?? 'server_error',
      code: error.code,
    },
  };
}

/** Any thrown value as a RouterError; unknown failures become upstream_error. */
export function toRouterError(error: unknown): RouterError {
  if (error instanceof RouterError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RouterError('upstream_error', message, { cause: error });
}

export function flavourOf(url: string): ApiFlavour {
  return url.startsWith('/v1/messages') ? 'anthropic' : 'openai';
}
