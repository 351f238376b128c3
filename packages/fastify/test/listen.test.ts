import { request as httpRequest } from 'node:http';
import type { ReferenceIssuer } from '@tokenward/issuer';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildApp, defaultServerOptions, startTestIssuer } from './support.js';

// The same behaviour as the inject() tests, over a real socket: the headers and status a client
// actually receives from a listening server.
let issuer: ReferenceIssuer;
let app: FastifyInstance;
let origin: string;

beforeAll(async () => {
  issuer = await startTestIssuer();
  app = await buildApp(defaultServerOptions(issuer));
  origin = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app?.close();
  await issuer?.close();
});

function mint(claims: Record<string, unknown> = {}, options = {}): Promise<string> {
  return issuer.server('default').mintAccessToken({ sub: 'alice', scp: ['orders:read'], ...claims }, options);
}

/**
 * Sends raw header lines, which fetch cannot (it folds repeated fields into one line). With raw
 * lines Node adds no defaults, so `Host` is sent explicitly.
 */
function getWithHeaderLines(
  path: string,
  lines: [string, string][],
): Promise<{ status: number; body: string }> {
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: [['Host', url.host], ...lines].flat() }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('over a listening socket', () => {
  it('answers 200 with request.auth for a valid token', async () => {
    const response = await fetch(`${origin}/orders`, { headers: bearer(await mint()) });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ subject: 'alice', scopes: ['orders:read'] });
  });

  it('answers 401 with a bare Bearer challenge when no token is sent (BT-7)', async () => {
    const response = await fetch(`${origin}/orders`);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="orders-api"');
    expect(await response.json()).toMatchObject({ code: 'ERR_TOKEN_MISSING' });
  });

  it.each([
    ['expired', () => mint({}, { expiresIn: -3600 }), 'ERR_TOKEN_EXPIRED'],
    [
      'from the sibling server',
      () => issuer.server('payments').mintAccessToken({ sub: 'alice' }),
      'ERR_ISSUER_MISMATCH',
    ],
    ['from the org server', () => issuer.orgServer.mintAccessToken({ sub: 'alice' }), 'ERR_ORG_SERVER_TOKEN'],
  ])('answers 401 invalid_token for a token %s', async (_label, makeToken, code) => {
    const response = await fetch(`${origin}/orders`, { headers: bearer(await makeToken()) });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(await response.json()).toMatchObject({ code });
  });

  it('answers 403 insufficient_scope with the required scopes', async () => {
    const response = await fetch(`${origin}/orders/write`, { headers: bearer(await mint()) });

    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toMatch(/scope="orders:read orders:write"/);
  });

  it('answers 400 for two Authorization header lines on the wire (BT-3, BT-9)', async () => {
    const token = await mint();
    const response = await getWithHeaderLines('/orders', [
      ['Authorization', `Bearer ${token}`],
      ['Authorization', `Bearer ${token}`],
    ]);

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'ERR_INVALID_REQUEST' });
  });
});

describe('over a listening socket, with the key set down', () => {
  it('answers 503 with Retry-After before the first key set could be fetched (security §0)', async () => {
    issuer.setFault({ server: 'default', endpoint: 'jwks', status: 500 });
    const fresh = await buildApp(defaultServerOptions(issuer));
    try {
      const freshOrigin = await fresh.listen({ port: 0, host: '127.0.0.1' });
      const response = await fetch(`${freshOrigin}/orders`, { headers: bearer(await mint()) });

      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await response.json()).toMatchObject({ code: 'ERR_JWKS_FETCH_FAILED' });
    } finally {
      issuer.clearFaults();
      await fresh.close();
    }
  });
});
