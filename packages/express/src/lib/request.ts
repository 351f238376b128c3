import type { BearerRequest } from '@tokenward/core';
import type { Request } from 'express';

/**
 * Maps an Express request to core's input. Node keeps only the first of several `Authorization`
 * lines in `req.headers`, so the lines are taken from `headersDistinct`: core must see them all to
 * refuse a request that repeats the field (RFC 9110 §5.3, BT-9).
 */
export function toBearerRequest(req: Request): BearerRequest {
  return {
    method: req.method,
    headers: { ...req.headers, authorization: req.headersDistinct.authorization },
    query: req.query,
    body: req.body,
  };
}
