import type { BearerRequest } from '@tokenward/core';
import type { Request } from 'express';

/**
 * Maps an Express request to core's input. Node keeps only the first of several `Authorization`
 * lines in `req.headers`, so when the raw lines hold several, all of them are passed on: core must
 * see them all to refuse a request that repeats the field (RFC 9110 §5.3, BT-9). Raw lines rather
 * than `headersDistinct`, a getter that builds arrays for every header of every request.
 */
export function toBearerRequest(req: Request, allowQuery: boolean): BearerRequest {
  const repeated = repeatedAuthorization(req.rawHeaders);
  return {
    method: req.method,
    headers: repeated === undefined ? req.headers : { ...req.headers, authorization: repeated },
    // Express 5's `req.query` parses the URL again on every read: only read when core will look.
    query: allowQuery ? req.query : undefined,
    body: req.body,
  };
}

/**
 * Every `Authorization` line when the request has more than one, else `undefined`. One pass that
 * allocates nothing in the usual case of one line or none: this runs on every request.
 */
function repeatedAuthorization(rawHeaders: readonly string[]): string[] | undefined {
  let first = -1;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (!isAuthorization(rawHeaders[index])) continue;
    if (first >= 0) return linesFrom(rawHeaders, first);
    first = index;
  }
  return undefined;
}

function linesFrom(rawHeaders: readonly string[], first: number): string[] {
  const lines: string[] = [];
  for (let index = first; index < rawHeaders.length; index += 2) {
    if (isAuthorization(rawHeaders[index])) lines.push(rawHeaders[index + 1] ?? '');
  }
  return lines;
}

/** Field names are case-insensitive (RFC 9110 §5.1); the length test spares lower-casing the rest. */
function isAuthorization(name: string | undefined): boolean {
  return name !== undefined && name.length === 13 && name.toLowerCase() === 'authorization';
}
