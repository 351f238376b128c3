import { type ErrorResponseBody, errorLogLine, isTokenwardError, type TokenwardError } from '@tokenward/core';
import type { ErrorRequestHandler } from 'express';

/** The JSON body `authErrorHandler` sends: core's, the same through every adapter. */
export type AuthErrorBody = ErrorResponseBody;

/** Options of {@link authErrorHandler}. */
export interface AuthErrorHandlerOptions {
  /**
   * Where the one line per answered error goes, without a stack trace; for a 503 it ends with the cause
   * (which the answer never shows). `false`: no logging. Default: `console.warn` 4xx, `console.error` 5xx.
   * @example { log: (line, error) => req.log.warn({ code: error.code }, line) }
   */
  log?: ((line: string, error: TokenwardError) => void) | false;
}

const consoleLogger = (line: string, error: TokenwardError) =>
  error.status >= 500 ? console.error(line) : console.warn(line);

/**
 * Error middleware that answers tokenward errors with their status, headers (`WWW-Authenticate`,
 * `Retry-After`) and core's JSON {@link AuthErrorBody}, and logs one line. Other errors, and
 * `ERR_CONFIG` (a server bug whose stack matters), go on to the next handler.
 *
 * @example app.use(authErrorHandler());
 */
export function authErrorHandler(options: AuthErrorHandlerOptions = {}): ErrorRequestHandler {
  const log = options.log === undefined ? consoleLogger : options.log;
  return function tokenwardErrorHandler(err, req, res, next) {
    if (!isTokenwardError(err) || err.code === 'ERR_CONFIG' || res.headersSent) return next(err);
    if (log !== false) log(`tokenward: ${req.method} ${req.path} ${errorLogLine(err)}`, err);
    res.status(err.status).set(err.headers).json(err.body);
  };
}
