import type { BearerRequest } from '@tokenward/core';
import type { FastifyRequest } from 'fastify';

/**
 * Maps a Fastify request to core's input. Node keeps only the first of repeated `Authorization`
 * lines in `headers`, so every raw line is passed on: core must see a second credential to refuse
 * it (RFC 9110 §5.3; BT-3, BT-9). Raw lines rather than `headersDistinct`, which `inject()`'s
 * requests lack.
 */
export function toBearerRequest(request: FastifyRequest): BearerRequest {
  const authorization = authorizationLines(request.raw.rawHeaders);
  return {
    method: request.method,
    headers: authorization.length > 1 ? { ...request.headers, authorization } : request.headers,
    query: request.query,
    body: request.body,
  };
}

function authorizationLines(rawHeaders: readonly string[]): string[] {
  const lines: string[] = [];
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index]?.toLowerCase() === 'authorization') lines.push(rawHeaders[index + 1] ?? '');
  }
  return lines;
}
