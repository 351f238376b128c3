import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, startIssuer } from '../src/index.js';
import { basicAuth, postForm } from './support.js';

const SERVICE_AUTH = { authorization: basicAuth('test-client', 'test-secret') };

describe('faults and counters at the introspection and revocation endpoints', () => {
  let issuer: ReferenceIssuer;
  let token: string;

  beforeAll(async () => {
    issuer = await startIssuer({ servers: ['payments'] });
    token = await issuer.server('default').mintAccessToken();
  });
  afterEach(() => {
    issuer.clearFaults();
  });
  afterAll(async () => {
    await issuer.close();
  });

  const urlOf = (endpoint: 'introspect' | 'revoke', server = 'default') =>
    endpoint === 'introspect'
      ? issuer.server(server).introspectionEndpoint
      : issuer.server(server).revocationEndpoint;
  const call = (endpoint: 'introspect' | 'revoke', init: { signal?: AbortSignal } = {}) =>
    fetch(urlOf(endpoint), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...SERVICE_AUTH },
      body: new URLSearchParams({ token: 'unknown-token' }).toString(),
      ...init,
    });

  it.each<'introspect' | 'revoke'>(['introspect', 'revoke'])(
    '%s: answers 429 with the injected Retry-After (IN-3)',
    async (endpoint) => {
      issuer.setFault({ server: 'default', endpoint, status: 429, headers: { 'Retry-After': '17' } });
      const response = await call(endpoint);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('17');
      expect((await response.json()).error).toBe('server_error');
    },
  );

  it.each<'introspect' | 'revoke'>(['introspect', 'revoke'])(
    '%s: answers an injected 503 and 401',
    async (endpoint) => {
      issuer.setFault({ endpoint, status: 503, times: 1 });
      expect((await call(endpoint)).status).toBe(503);
      issuer.setFault({ endpoint, status: 401, body: '{"error":"invalid_client"}' });
      const refused = await call(endpoint);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ error: 'invalid_client' });
    },
  );

  it.each<'introspect' | 'revoke'>(['introspect', 'revoke'])(
    '%s: serves a huge and a garbage body',
    async (endpoint) => {
      const huge = `{"active":true,"padding":"${'x'.repeat(2 * 1024 * 1024)}"}`;
      issuer.setFault({ server: 'default', endpoint, body: huge });
      expect((await (await call(endpoint)).text()).length).toBe(huge.length);
      issuer.setFault({ server: 'default', endpoint, body: '{"active": tru', contentType: 'text/html' });
      const garbage = await call(endpoint);
      expect(garbage.headers.get('content-type')).toBe('text/html');
      expect(await garbage.text()).toBe('{"active": tru');
    },
  );

  it.each<'introspect' | 'revoke'>(['introspect', 'revoke'])(
    '%s: delays, then answers normally; or never answers',
    async (endpoint) => {
      issuer.setFault({ server: 'default', endpoint, delayMs: 20, headers: { 'X-Injected': 'yes' } });
      const delayed = await call(endpoint);
      expect(delayed.status).toBe(200);
      expect(delayed.headers.get('x-injected')).toBe('yes');
      issuer.setFault({ server: 'default', endpoint, delayMs: 'never' });
      await expect(call(endpoint, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    },
  );

  it('faults one server only when server is given', async () => {
    issuer.setFault({ server: 'payments', endpoint: 'introspect', status: 500 });
    const payments = await postForm(urlOf('introspect', 'payments'), { token }, SERVICE_AUTH);
    expect(payments.status).toBe(500);
    const active = await (await postForm(urlOf('introspect'), { token }, SERVICE_AUTH)).json();
    expect(active.active).toBe(true);
  });

  it('counts introspection and revocation requests per server, faulted ones included', async () => {
    issuer.resetCounts();
    issuer.setFault({ server: 'default', endpoint: 'revoke', status: 503, times: 1 });
    await call('introspect');
    await call('introspect');
    await call('revoke');
    await call('revoke');
    await postForm(urlOf('revoke', 'payments'), { token }, SERVICE_AUTH);
    expect(issuer.requestCount({ server: 'default', endpoint: 'introspect' })).toBe(2);
    expect(issuer.requestCount({ server: 'default', endpoint: 'revoke' })).toBe(2);
    expect(issuer.requestCount({ endpoint: 'revoke' })).toBe(3);
  });

  it('refuses fault headers that are not header names with string values', () => {
    expect(() => issuer.setFault({ endpoint: 'introspect', headers: { 'Bad Name': 'x' } })).toThrow(
      /fault.headers/,
    );
    expect(() => issuer.setFault({ endpoint: 'introspect', headers: { 'X-A': 'a\r\nb' } })).toThrow(
      /fault.headers/,
    );
    expect(() =>
      issuer.setFault({ endpoint: 'introspect', headers: { 'X-A': 1 as unknown as string } }),
    ).toThrow(/fault.headers/);
  });
});
