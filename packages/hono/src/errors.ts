import { errorResponse, isTokenwardError, TokenwardError } from '@tokenward/core';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** How a refusal leaves the middleware: a ready `Response`, or a thrown `HTTPException`. */
export type ErrorMode = 'response' | 'throw';

export function validateErrorMode(value: unknown, where: string): ErrorMode {
  if (value === undefined || value === 'response' || value === 'throw') return value ?? 'response';
  throw configError(`${where}: \`errors\` must be 'response' or 'throw'; found ${String(value)}`);
}

/**
 * Answers a refusal with core's response, or throws it inside an `HTTPException` (with the
 * `TokenwardError` as `cause`). Anything else (`ERR_CONFIG`, a claim predicate's exception) is
 * rethrown for Hono's error handler: a server bug, not the client's fault.
 */
export function answerError(error: unknown, mode: ErrorMode): Response {
  if (!isTokenwardError(error) || error.code === 'ERR_CONFIG') throw error;
  const res = errorResponse(error);
  const status = error.status as ContentfulStatusCode;
  if (mode === 'throw') throw new HTTPException(status, { res, message: error.message, cause: error });
  return res;
}

function configError(message: string): TokenwardError {
  return new TokenwardError('ERR_CONFIG', `tokenward: ${message}`);
}
