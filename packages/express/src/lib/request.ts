import type { Request } from 'express';

/** The request shape core's `extractBearerToken` and `isCorsPreflight` read. */
export interface BearerRequestInput {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  query: unknown;
  body: unknown;
  contentType: string | undefined;
}

/**
 * Maps an Express request to core's input. Node keeps only the first of several `Authorization`
 * lines in `req.headers`, so the lines are taken from `headersDistinct`: core must see them all to
 * refuse a request that repeats the field (RFC 9110 §5.3, BT-9).
 */
export function toBearerRequest(req: Request): BearerRequestInput {
  const authorization = req.headersDistinct.authorization;
  return {
    method: req.method,
    headers: {
      ...req.headers,
      authorization:
        authorization !== undefined && authorization.length === 1 ? authorization[0] : authorization,
    },
    query: req.query,
    body: req.body,
    contentType: req.headers['content-type'],
  };
}
