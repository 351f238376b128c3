import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body an endpoint reads (token, introspect, admin). */
const MAX_BODY_BYTES = 16 * 1024;
/** Beyond this the socket is dropped instead of drained, so a huge upload cannot tie the server up. */
const MAX_DRAIN_BYTES = 1024 * 1024;

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too_large' };

/**
 * Reads the request body up to {@link MAX_BODY_BYTES}. An oversize body is drained (up to 1 MiB)
 * before answering so the client reads the 413 instead of a write error.
 */
export function readBody(req: IncomingMessage): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_DRAIN_BYTES) {
        req.destroy();
        return;
      }
      if (received <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(
        received > MAX_BODY_BYTES
          ? { ok: false, reason: 'too_large' }
          : { ok: true, body: Buffer.concat(chunks) },
      );
    });
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) resolve({ ok: false, reason: 'too_large' });
    });
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  // A `contentType` fault presets the header; it wins over the JSON default.
  const contentType = res.getHeader('Content-Type') ?? 'application/json';
  res.writeHead(status, {
    'Content-Type': String(contentType),
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** RFC 6749 §5.2 error object; token and introspection responses are never cached (§5.1). */
export function sendOAuthError(
  res: ServerResponse,
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): void {
  sendJson(
    res,
    status,
    { error, error_description: description },
    { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers },
  );
}

export function sendNotFound(res: ServerResponse): void {
  sendJson(res, 404, { error: 'not_found', error_description: 'No such endpoint on this issuer' });
}

export function sendMethodNotAllowed(res: ServerResponse, allowed: string[]): void {
  sendJson(
    res,
    405,
    { error: 'invalid_request', error_description: `Method not allowed; use ${allowed.join(' or ')}` },
    { Allow: [...allowed, 'OPTIONS'].join(', ') },
  );
}

/** Lets a browser SPA read discovery, keys, tokens and userinfo from another origin. */
export function setCorsHeaders(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate, Cache-Control, DPoP-Nonce');
}

/** Answers a CORS preflight (Fetch standard, CORS protocol). */
export function sendPreflight(res: ServerResponse, methods: string[]): void {
  res.writeHead(204, {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': [...methods, 'OPTIONS'].join(', '),
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, DPoP',
    'Access-Control-Max-Age': '600',
  });
  res.end();
}

/** `application/x-www-form-urlencoded` with or without parameters such as `charset`. */
export function isFormRequest(req: IncomingMessage): boolean {
  const type = req.headers['content-type'] ?? '';
  return type.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}
