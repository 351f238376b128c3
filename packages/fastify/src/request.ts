import type { BearerRequest } from '@tokenward/core';
import type { FastifyRequest } from 'fastify';

/**
 * Maps a Fastify request to core's input. The raw header lines go along so that core sees a
 * repeated `Authorization` line, which Node folds away in `headers` (RFC 9110 §5.3).
 */
export function toBearerRequest(request: FastifyRequest): BearerRequest {
  return {
    method: request.method,
    headers: request.headers,
    rawHeaders: request.raw.rawHeaders,
    query: request.query,
    body: request.body,
  };
}
