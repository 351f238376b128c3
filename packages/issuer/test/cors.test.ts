import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, startIssuer } from '../src/index.js';
import { basicAuth, postForm } from './support.js';

describe('CORS for browser SPAs', () => {
  let issuer: ReferenceIssuer;

  beforeAll(async () => {
    issuer = await startIssuer();
  });
  afterAll(async () => {
    await issuer.close();
  });

  it('allows any origin on discovery, JWKS, token and userinfo', async () => {
    const server = issuer.server('default');
    const origin = { origin: 'http://localhost:5173' };
    const responses = [
      await fetch(server.discoveryUrl, { headers: origin }),
      await fetch(server.jwksUri, { headers: origin }),
      await postForm(
        server.tokenEndpoint,
        { grant_type: 'client_credentials' },
        { ...origin, authorization: basicAuth('test-client', 'test-secret') },
      ),
      await fetch(server.userinfoEndpoint, { headers: origin }),
    ];
    for (const response of responses) {
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('answers preflights with the allowed methods and headers', async () => {
    const server = issuer.server('default');
    const response = await fetch(server.tokenEndpoint, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    const jwks = await fetch(server.jwksUri, { method: 'OPTIONS' });
    expect(jwks.status).toBe(204);
    expect(jwks.headers.get('access-control-allow-methods')).toContain('GET');
  });

  it('does not open the authorize endpoint to cross-origin reads', async () => {
    const response = await fetch(`${issuer.server('default').issuer}/v1/authorize`, { redirect: 'manual' });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS on faulted answers', () => {
  it('keeps Access-Control-Allow-Origin on an injected error so browsers see the status', async () => {
    const issuer = await startIssuer();
    try {
      issuer.setFault({ endpoint: 'jwks', status: 503 });
      const response = await fetch(issuer.server('default').jwksUri, {
        headers: { origin: 'http://localhost:5173' },
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      await issuer.close();
    }
  });
});
