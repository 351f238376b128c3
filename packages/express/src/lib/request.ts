import type { BearerRequest } from '@tokenward/core';
import type { Request } from 'express';

/**
 * Maps an Express request to core's input. The raw header lines go along so that core sees a
 * repeated `Authorization` line, which Node folds away in `req.headers` (RFC 9110 §5.3).
 */
export function toBearerRequest(req: Request, allowQuery: boolean): BearerRequest {
  return {
    method: req.method,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    // Express 5's `req.query` parses the URL again on every read: only read when core will look.
    query: allowQuery ? req.query : undefined,
    body: req.body,
  };
}
