import type { FastifyRequest } from 'fastify';

/** The request shape core's `extractBearerToken` and `isCorsPreflight` read. */
export interface CoreRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  query: unknown;
  body: unknown;
  contentType: string | undefined;
}

/**
 * Maps a Fastify request to core's input. Node keeps only the first of repeated `Authorization`
 * lines in `headers`, so every raw line is passed on: core must see a second credential to refuse
 * it (RFC 6750 §2 "MUST NOT use more than one method", RFC 9110 §5.3; BT-3, BT-9).
 */
export function toCoreRequest(request: FastifyRequest): CoreRequest {
  const authorization = authorizationLines(request.raw.rawHeaders);
  return {
    method: request.method,
    headers: authorization.length > 1 ? { ...request.headers, authorization } : request.headers,
    query: request.query,
    body: request.body,
    contentType: request.headers['content-type'],
  };
}

function authorizationLines(rawHeaders: readonly string[]): string[] {
  const lines: string[] = [];
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index]?.toLowerCase() === 'authorization') lines.push(rawHeaders[index + 1] ?? '');
  }
  return lines;
}
