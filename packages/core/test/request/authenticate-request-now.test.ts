import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAccessTokenVerifier as createWebVerifier } from '../../src/index.js';
import { twinOf } from '../../src/lib/request/verify-now.js';
import {
  type AccessTokenVerifier,
  type AuthRequest,
  authenticateRequest,
  authenticateRequestNow,
  createAccessTokenVerifier,
  type RequestAuthentication,
  type TokenwardError,
  type TokenwardEvent,
  validateAuthRequirements,
  validateRequestOptions,
} from '../../src/node.js';
import { refusal, thrownBy } from './support.js';

let org: ReferenceIssuer;
let server: AuthServer;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default'] });
  server = org.server('default');
});
afterAll(() => org.close());

const get = (authorization?: string): AuthRequest => ({
  method: 'GET',
  url: '/orders',
  headers: authorization === undefined ? {} : { authorization },
});

/** The parts of an answer a client sees. */
const answer = (error: TokenwardError) => ({
  code: error.code,
  status: error.status,
  headers: error.headers,
  body: error.body,
});

describe('authenticateRequestNow: the request step without a promise when nothing has to wait', () => {
  it('answers a promise while the keys must be fetched, then the outcome itself, equal to authenticateRequest', async () => {
    const verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    const token = await server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const requirements = validateAuthRequirements({ scopes: ['orders:read'] }, 'test');

    const first = authenticateRequestNow(verifier, get(`Bearer ${token}`), requirements);
    expect(first).toBeInstanceOf(Promise);
    const fetched = await first;
    const now = authenticateRequestNow(verifier, get(`Bearer ${token}`), requirements);
    expect(now).not.toBeInstanceOf(Promise);
    const promised = await authenticateRequest(verifier, get(`Bearer ${token}`), requirements);
    for (const outcome of [fetched, now as RequestAuthentication]) {
      expect(outcome).toEqual(promised);
      expect(outcome).toMatchObject({ kind: 'authenticated', auth: { subject: 'alice' } });
    }
  });

  it('throws what authenticateRequest rejects with, challenge included, and reports the failure once', async () => {
    const events: TokenwardEvent[] = [];
    const verifier = createAccessTokenVerifier({
      issuer: server.issuer,
      audience: server.audience,
      realm: 'orders',
      onEvent: (event) => events.push(event),
    });
    await verifier.warm();
    const requirements = validateAuthRequirements({ scopes: ['orders:write'] }, 'test');
    const readOnly = await server.mintAccessToken({ scp: ['orders:read'] });
    const otherAudience = await server.mintAccessToken({}, { audience: 'api://other' });

    for (const request of [get(), get('Bearer'), get(`Bearer ${readOnly}`), get(`Bearer ${otherAudience}`)]) {
      events.length = 0;
      const thrown = thrownBy(() => authenticateRequestNow(verifier, request, requirements));
      const reportedNow = events.splice(0);
      const rejected = await refusal(authenticateRequest(verifier, request, requirements));
      expect(answer(thrown)).toEqual(answer(rejected));
      expect(reportedNow).toEqual(events);
    }
    expect(
      thrownBy(() => authenticateRequestNow(verifier, get(`Bearer ${readOnly}`), requirements)),
    ).toMatchObject({
      code: 'ERR_INSUFFICIENT_SCOPE',
      headers: { 'WWW-Authenticate': expect.stringContaining('scope="orders:write"') },
    });
  });

  it('answers a preflight and an anonymous request at once', () => {
    const verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    const preflight: AuthRequest = {
      method: 'OPTIONS',
      url: '/orders',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'DELETE' },
    };
    expect(authenticateRequestNow(verifier, preflight)).toEqual({ kind: 'preflight' });
    const optional = validateRequestOptions({ credentials: 'optional' }, 'test');
    expect(authenticateRequestNow(verifier, get(), undefined, optional)).toEqual({ kind: 'anonymous' });
  });

  it("calls a verifier's replaced verify (a wrapper or a spy), never going around it", async () => {
    const real = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    await real.warm();
    const token = await server.mintAccessToken({ sub: 'bob' });
    const verify = vi.fn(real.verify);
    const wrapped: AccessTokenVerifier = { ...real, verify };

    const outcome = authenticateRequestNow(wrapped, get(`Bearer ${token}`));
    expect(outcome).toBeInstanceOf(Promise);
    expect(await outcome).toMatchObject({ kind: 'authenticated', auth: { subject: 'bob' } });
    expect(verify).toHaveBeenCalledTimes(1);
    // The same verifier spread into a new object keeps its own verify, and its answer without a promise.
    expect(authenticateRequestNow({ ...real }, get(`Bearer ${token}`))).toMatchObject({
      kind: 'authenticated',
    });
  });

  it('answers a promise on the web entry, whose signature check is asynchronous', async () => {
    const verifier = createWebVerifier({ issuer: server.issuer, audience: server.audience });
    await verifier.warm();
    const token = await server.mintAccessToken({ sub: 'carol' });
    const outcome = authenticateRequestNow(verifier, get(`Bearer ${token}`));
    expect(outcome).toBeInstanceOf(Promise);
    expect(await outcome).toMatchObject({ kind: 'authenticated', auth: { subject: 'carol' } });
  });

  it("knows a token its verifier passed before, which spares the token's syntax scan (BT-1)", async () => {
    const verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    const token = await server.mintAccessToken({ sub: 'dave' });
    const verifiedBefore = twinOf(verifier)?.verifiedBefore;
    expect(verifiedBefore?.(token)).toBe(false);
    await verifier.verify(token);
    expect(verifiedBefore?.(token)).toBe(true);
    // A refused token is never held, so it is scanned (and refused) on every request.
    const tampered = `${token.slice(0, -4)}AAAA`;
    await expect(verifier.verify(tampered)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' });
    expect(verifiedBefore?.(tampered)).toBe(false);
    // The same answers for the repeated token, with the scan spared.
    expect(authenticateRequestNow(verifier, get(`Bearer ${token}`))).toMatchObject({
      kind: 'authenticated',
      auth: { subject: 'dave' },
    });
    // Without a result cache there is nothing to ask.
    const uncached = createAccessTokenVerifier({
      issuer: server.issuer,
      audience: server.audience,
      resultCache: false,
    });
    expect(twinOf(uncached)?.verifiedBefore).toBeUndefined();
  });
});
