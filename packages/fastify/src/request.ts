import type { BearerRequest } from '@tokenward/core';
import type { FastifyRequest } from 'fastify';

/**
 * Maps a Fastify request to core's input. Node keeps only the first of repeated `Authorization`
 * lines in `headers`, so when the raw lines hold several, all of them are passed on: core must
 * see a second credential to refuse it (RFC 9110 §5.3; BT-3, BT-9). Raw lines rather than
 * `headersDistinct`, which `inject()`'s requests lack and which is built for every header.
 */
export function toBearerRequest(request: FastifyRequest): BearerRequest {
  const repeated = repeatedAuthorization(request.raw.rawHeaders);
  return {
    method: request.method,
    headers: repeated === undefined ? request.headers : { ...request.headers, authorization: repeated },
    query: request.query,
    body: request.body,
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
