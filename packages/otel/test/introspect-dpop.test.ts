/**
 * The introspection and DPoP replay-check channels as OpenTelemetry sees them: spans nested under
 * the verification that caused them, their attributes and metric points, and never the token,
 * the proof, its `jti` or the client's key anywhere in what is exported.
 */
import { createHash, randomUUID } from 'node:crypto';
import { SpanStatusCode } from '@opentelemetry/api';
import { createAccessTokenVerifier } from '@tokenward/core';
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTES, METRICS, SPANS } from '../src/index.js';
import { parentOf, useOpenTelemetry } from './support.js';

const otel = useOpenTelemetry();
let org: ReferenceIssuer;
let def: AuthServer;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default'] });
  def = org.server('default');
});
afterEach(() => org.clearFaults());
afterAll(() => org.close());

const CLIENT = { clientId: 'test-client', clientSecret: 'test-secret' } as const;
const ORIGIN = 'https://api.example.com';

/** Everything exported: every span's name, attributes, events and status, and every metric point. */
async function exported(): Promise<string> {
  const spans = otel.finished().map((span) => ({
    name: span.name,
    attributes: span.attributes,
    events: span.events,
    status: span.status,
  }));
  return JSON.stringify({ spans, points: await otel.points() });
}

const sum = async (metric: string, match: Record<string, unknown>) =>
  (await otel.points())
    .filter(
      (point) =>
        point.name === metric &&
        Object.entries(match).every(([key, value]) => point.attributes[key] === value),
    )
    .reduce((total, point) => total + point.value, 0);

describe('tokenward:introspect', () => {
  it('an opaque token: an introspect span under its verify span, a call and then a cache hit, never the token', async () => {
    const verifier = createAccessTokenVerifier({
      issuer: def.issuer,
      audience: def.audience,
      introspection: { mode: 'fallback', ...CLIENT },
    });
    const token = await def.mintAccessToken({ sub: 'alice-opaque' }, { format: 'opaque' });
    const { request } = await otel.inRequest(() => verifier.verify(token));
    await otel.inRequest(() => verifier.verify(token));

    const verifies = otel.named(SPANS.verify);
    const introspections = otel.named(SPANS.introspect);
    expect(verifies).toHaveLength(2);
    expect(introspections).toHaveLength(2);
    expect(parentOf(verifies[0]!)).toBe(request.spanContext().spanId);
    expect(introspections.map(parentOf)).toEqual(verifies.map((span) => span.spanContext().spanId));
    expect(verifies[0]!.attributes).toMatchObject({
      [ATTRIBUTES.issuer]: def.issuer,
      [ATTRIBUTES.outcome]: 'ok',
    });
    expect(introspections[0]!.attributes).toEqual({
      [ATTRIBUTES.issuer]: def.issuer,
      [ATTRIBUTES.introspectionEndpoint]: new URL(def.issuer).origin,
      [ATTRIBUTES.cacheHit]: false,
      [ATTRIBUTES.active]: true,
      [ATTRIBUTES.outcome]: 'ok',
    });
    expect(introspections[1]!.attributes).toEqual({
      [ATTRIBUTES.issuer]: def.issuer,
      [ATTRIBUTES.cacheHit]: true,
      [ATTRIBUTES.active]: true,
      [ATTRIBUTES.outcome]: 'ok',
    });
    expect(await sum(METRICS.introspections, { [ATTRIBUTES.cacheHit]: false })).toBe(1);
    expect(await sum(METRICS.introspections, { [ATTRIBUTES.cacheHit]: true })).toBe(1);
    expect(await sum(METRICS.introspectionDuration, { [ATTRIBUTES.issuer]: def.issuer })).toBe(2);
    const everything = await exported();
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('alice-opaque');
  });

  it('a revoked token: the introspection answered (active false), the verification failed ERR_TOKEN_INACTIVE', async () => {
    const verifier = createAccessTokenVerifier({
      issuer: def.issuer,
      audience: def.audience,
      introspection: { mode: 'fallback', ...CLIENT, maxCacheAge: 0 },
    });
    const token = await def.mintAccessToken({}, { format: 'opaque' });
    def.revokeToken(token);
    await otel.inRequest(() => verifier.verify(token).catch(() => undefined));
    const [verify] = otel.named(SPANS.verify);
    const [introspect] = otel.named(SPANS.introspect);
    expect(introspect!.attributes).toMatchObject({ [ATTRIBUTES.active]: false, [ATTRIBUTES.outcome]: 'ok' });
    expect(introspect!.status.code).toBe(SpanStatusCode.UNSET);
    expect(verify!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ERR_TOKEN_INACTIVE' });
    expect(await sum(METRICS.introspections, { [ATTRIBUTES.active]: false })).toBe(1);
  });

  it("mode always: a JWT's introspection is a child of its verification, after the local checks", async () => {
    const verifier = createAccessTokenVerifier({
      issuer: def.issuer,
      audience: def.audience,
      introspection: { mode: 'always', ...CLIENT },
    });
    const jwt = await def.mintAccessToken({ sub: 'bob-jwt' });
    await otel.inRequest(() => verifier.verify(jwt));
    const [verify] = otel.named(SPANS.verify);
    const [introspect] = otel.named(SPANS.introspect);
    expect(parentOf(introspect!)).toBe(verify!.spanContext().spanId);
    expect(verify!.attributes).toMatchObject({ [ATTRIBUTES.alg]: 'RS256', [ATTRIBUTES.outcome]: 'ok' });
    const everything = await exported();
    for (const part of jwt.split('.')) expect(everything).not.toContain(part);
    expect(everything).not.toContain('bob-jwt');
  });

  it('an endpoint that fails: ERR_INTROSPECTION_FAILED on the introspect span, no secret or internals', async () => {
    const verifier = createAccessTokenVerifier({
      issuer: def.issuer,
      audience: def.audience,
      introspection: { mode: 'fallback', ...CLIENT },
    });
    const token = await def.mintAccessToken({}, { format: 'opaque' });
    org.setFault({ server: 'default', endpoint: 'introspect', status: 500 });
    await otel.inRequest(() => verifier.verify(token).catch(() => undefined));
    const [introspect] = otel.named(SPANS.introspect);
    expect(introspect!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ERR_INTROSPECTION_FAILED' });
    expect(introspect!.attributes).toMatchObject({ [ATTRIBUTES.cacheHit]: false });
    expect(introspect!.attributes[ATTRIBUTES.active]).toBeUndefined();
    const everything = await exported();
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(CLIENT.clientSecret);
  });
});

describe('tokenward:dpop-replay', () => {
  async function boundSetup(replayStore?: { markOnce(key: string, ttlMs: number): Promise<boolean> }) {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const thumbprint = await calculateJwkThumbprint(jwk);
    const token = await def.mintAccessToken({ sub: 'carol-dpop' }, { dpopJkt: thumbprint });
    const jti = randomUUID();
    const proof = await new SignJWT({
      jti,
      htm: 'GET',
      htu: `${ORIGIN}/orders`,
      iat: Math.floor(Date.now() / 1000),
      ath: createHash('sha256').update(token).digest('base64url'),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .sign(privateKey);
    const verifier = createAccessTokenVerifier({
      issuer: def.issuer,
      audience: def.audience,
      dpop: { mode: 'allowed', origins: [ORIGIN], ...(replayStore === undefined ? {} : { replayStore }) },
    });
    const present = () => verifier.verify(token, { dpop: { proof, method: 'GET', url: '/orders' } });
    return {
      present,
      secrets: [token, ...token.split('.'), proof, ...proof.split('.'), jti, thumbprint, jwk.x!, jwk.y!],
    };
  }

  it('fresh, then replayed: a replay-check span under each verify span, store kind memory, never the proof, jti or key', async () => {
    const { present, secrets } = await boundSetup();
    await otel.inRequest(present);
    await otel.inRequest(() => present().catch(() => undefined));

    const verifies = otel.named(SPANS.verify);
    const checks = otel.named(SPANS.dpopReplay);
    expect(checks.map(parentOf)).toEqual(verifies.map((span) => span.spanContext().spanId));
    expect(checks.map((span) => span.attributes)).toEqual([
      { [ATTRIBUTES.replayStore]: 'memory', [ATTRIBUTES.replay]: 'fresh', [ATTRIBUTES.outcome]: 'ok' },
      { [ATTRIBUTES.replayStore]: 'memory', [ATTRIBUTES.replay]: 'replayed', [ATTRIBUTES.outcome]: 'ok' },
    ]);
    expect(verifies[1]!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ERR_DPOP_REPLAYED' });
    expect(await sum(METRICS.dpopReplayChecks, { [ATTRIBUTES.replay]: 'fresh' })).toBe(1);
    expect(await sum(METRICS.dpopReplayChecks, { [ATTRIBUTES.replay]: 'replayed' })).toBe(1);
    const everything = await exported();
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });

  it("a store that cannot answer: store-failed and ERR_REPLAY_STORE_UNAVAILABLE, a custom store's kind, no internals", async () => {
    const failing = {
      markOnce: async (): Promise<boolean> => {
        throw new Error('connect ECONNREFUSED 10.0.0.7:6379');
      },
    };
    const { present, secrets } = await boundSetup(failing);
    await otel.inRequest(() => present().catch(() => undefined));
    const [check] = otel.named(SPANS.dpopReplay);
    expect(check!.attributes).toEqual({
      [ATTRIBUTES.replayStore]: 'custom',
      [ATTRIBUTES.replay]: 'store-failed',
      [ATTRIBUTES.outcome]: 'ERR_REPLAY_STORE_UNAVAILABLE',
    });
    expect(check!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ERR_REPLAY_STORE_UNAVAILABLE' });
    const everything = await exported();
    expect(everything).not.toContain('10.0.0.7');
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
