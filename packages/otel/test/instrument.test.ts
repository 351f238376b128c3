import { createAccessTokenVerifier, createIdTokenVerifier } from '@tokenward/core';
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTES, METRICS, SPANS } from '../src/index.js';
import { parentOf, useOpenTelemetry } from './support.js';

const otel = useOpenTelemetry();
const { named, points, inRequest } = otel;
let org: ReferenceIssuer;
let def: AuthServer;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default'] });
  def = org.server('default');
});
afterAll(() => org.close());

describe('@tokenward/otel', () => {
  it('nests verify under the request span and the fetches it causes under verify, with attributes', async () => {
    const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });
    const token = await def.mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const { request } = await inRequest(() => verifier.verify(token));

    const [verify] = named(SPANS.verify);
    const [discovery] = named(SPANS.discovery);
    const [jwks] = named(SPANS.jwks);
    expect(verify && discovery && jwks).toBeTruthy();
    expect(parentOf(verify!)).toBe(request.spanContext().spanId);
    expect(parentOf(discovery!)).toBe(verify!.spanContext().spanId);
    expect(parentOf(jwks!)).toBe(verify!.spanContext().spanId);
    expect(verify!.attributes).toMatchObject({
      [ATTRIBUTES.tokenKind]: 'access_token',
      [ATTRIBUTES.issuer]: def.issuer,
      [ATTRIBUTES.alg]: 'RS256',
      [ATTRIBUTES.kid]: expect.any(String),
      [ATTRIBUTES.cacheHit]: false,
      [ATTRIBUTES.outcome]: 'ok',
    });
    expect(jwks!.attributes).toMatchObject({
      [ATTRIBUTES.issuer]: def.issuer,
      [ATTRIBUTES.fetchReason]: 'initial',
      [ATTRIBUTES.keys]: expect.any(Number),
      [ATTRIBUTES.outcome]: 'ok',
    });
    expect(discovery!.attributes).toMatchObject({ [ATTRIBUTES.outcome]: 'ok' });
  });

  it('marks a failure with its code, and never records the token or its claims', async () => {
    const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });
    const token = await def.mintAccessToken({ sub: 'alice-secret-subject' }, { audience: 'api://payments' });
    await inRequest(() => verifier.verify(token).catch(() => undefined));
    const [verify] = named(SPANS.verify);
    expect(verify!.status).toEqual({ code: 2, message: 'ERR_AUDIENCE_MISMATCH' });
    expect(verify!.attributes[ATTRIBUTES.outcome]).toBe('ERR_AUDIENCE_MISMATCH');
    const exported = JSON.stringify(
      otel.finished().map((span) => ({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        status: span.status,
      })),
    );
    for (const part of token.split('.')) expect(exported).not.toContain(part);
    expect(exported).not.toContain('alice-secret-subject');
    expect(exported).not.toContain('api://payments');
  });

  it('counts verifications by outcome and cache hit, key-set fetches, and ID tokens too', async () => {
    const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });
    const token = await def.mintAccessToken();
    await verifier.verify(token);
    await verifier.verify(token);
    verifier.verifySync(token);
    await verifier.verify('not-a-jwt').catch(() => undefined);
    const idTokens = createIdTokenVerifier({ issuer: def.issuer, clientId: 'app' });
    await idTokens.verify(await def.mintIdToken({ sub: 'bob' }, { clientId: 'app' }));

    const all = await points();
    const verifications = all.filter((point) => point.name === METRICS.verifications);
    const count = (match: Record<string, unknown>) =>
      verifications
        .filter((point) => Object.entries(match).every(([key, value]) => point.attributes[key] === value))
        .reduce((sum, point) => sum + point.value, 0);
    expect(
      count({
        [ATTRIBUTES.tokenKind]: 'access_token',
        [ATTRIBUTES.outcome]: 'ok',
        [ATTRIBUTES.cacheHit]: false,
      }),
    ).toBe(1);
    expect(count({ [ATTRIBUTES.outcome]: 'ok', [ATTRIBUTES.cacheHit]: true })).toBe(2);
    expect(count({ [ATTRIBUTES.outcome]: 'ERR_TOKEN_MALFORMED' })).toBe(1);
    expect(count({ [ATTRIBUTES.tokenKind]: 'id_token', [ATTRIBUTES.outcome]: 'ok' })).toBe(1);
    const fetches = all.filter((point) => point.name === METRICS.jwksFetches);
    expect(fetches.reduce((sum, point) => sum + point.value, 0)).toBe(2);
    const durations = all.filter((point) => point.name === METRICS.verificationDuration);
    expect(durations.reduce((sum, point) => sum + point.value, 0)).toBe(5);
  });

  it('counts a stale key set serving while its refresh fails', async () => {
    let now = Date.now();
    const verifier = createAccessTokenVerifier({
      issuer: def.issuer,
      audience: def.audience,
      clock: () => now,
      resultCache: false,
    });
    const token = await def.mintAccessToken({}, { expiresIn: 3600 });
    await verifier.verify(token);
    org.setFault({ server: 'default', endpoint: 'jwks', status: 500 });
    try {
      now += 700_000;
      await verifier.verify(token);
    } finally {
      org.clearFaults();
    }
    const all = await points();
    expect(all.filter((point) => point.name === METRICS.jwksStaleServed)).toEqual([
      expect.objectContaining({ attributes: { [ATTRIBUTES.issuer]: def.issuer }, value: 1 }),
    ]);
    const failed = named(SPANS.jwks).filter(
      (span) => span.attributes[ATTRIBUTES.outcome] === 'ERR_JWKS_FETCH_FAILED',
    );
    expect(failed).toHaveLength(1);
  });

  it('stops producing anything once disabled', async () => {
    otel.instrumentation().disable();
    const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });
    await verifier.verify(await def.mintAccessToken());
    expect(otel.finished()).toEqual([]);
    expect((await points()).filter((point) => point.name === METRICS.verifications)).toEqual([]);
  });
});
