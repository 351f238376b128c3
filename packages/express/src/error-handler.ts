import { isTokenwardError } from '@tokenward/core';
import type { ErrorRequestHandler } from 'express';

/** The JSON body `authErrorHandler` sends. */
export interface AuthErrorBody {
  /** OAuth error name (RFC 6750 §3.1); absent for a request that carried no credentials. */
  error?: string;
  error_description: string;
  /** Stable tokenward code, e.g. `ERR_TOKEN_EXPIRED`. */
  code: string;
}

/**
 * Error middleware that answers tokenward errors with their status, their headers
 * (`WWW-Authenticate`, `Retry-After`) and a JSON {@link AuthErrorBody}. Every other error, and
 * `ERR_CONFIG` (a server bug that should be logged, not rendered), goes on to the next handler.
 *
 * @example app.use(authErrorHandler());
 */
export function authErrorHandler(): ErrorRequestHandler {
  return function tokenwardErrorHandler(err, _req, res, next) {
    if (!isTokenwardError(err) || err.code === 'ERR_CONFIG' || res.headersSent) return next(err);
    const body: AuthErrorBody = { error: err.oauthError, error_description: err.message, code: err.code };
    res.status(err.status).set(err.headers).json(body);
  };
}
