import { describe, expect, it } from 'vitest';
import { DEFAULT_REALM, TokenwardError } from '../../src/errors.js';

describe('TokenwardError challenges carry a realm (BT-6, BT-7)', () => {
  it('uses the default realm for a missing token, with no error attribute', () => {
    const error = new TokenwardError('ERR_TOKEN_MISSING', 'no bearer token');
    expect(DEFAULT_REALM).toBe('api');
    expect(error.realm).toBe('api');
    expect(error.headers['WWW-Authenticate']).toBe('Bearer realm="api"');
  });

  it('puts the realm first in an invalid_token challenge', () => {
    const error = new TokenwardError('ERR_TOKEN_EXPIRED', 'token expired', { realm: 'orders' });
    expect(error.headers['WWW-Authenticate']).toBe(
      'Bearer realm="orders", error="invalid_token", error_description="token expired"',
    );
  });

  it('withRealm keeps the Retry-After of a 503', () => {
    const error = new TokenwardError('ERR_JWKS_FETCH_FAILED', 'down', { retryAfter: 7 }).withRealm(
      'payments',
    );
    expect(error.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="payments"', 'Retry-After': '7' });
    expect(error.retryAfter).toBe(7);
  });
});

describe('ERR_POLICY_DENIED', () => {
  it('is a 403 with a bare challenge: no token would help, so no OAuth error name', () => {
    const error = new TokenwardError('ERR_POLICY_DENIED', 'no policy rule admits DELETE /orders/1');
    expect(error.status).toBe(403);
    expect(error.oauthError).toBeUndefined();
    expect(error.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="api"' });
  });
});
