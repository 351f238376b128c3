import { randomUUID } from 'node:crypto';
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIssuerKeys, type IssuerKeys, type IssuerKeysConfig } from '../../src/lib/keys/issuer-keys.js';
import { nodeRuntime } from '../../src/lib/runtime/node/node-runtime.js';
import { webRuntime } from '../../src/lib/runtime/portable/web-runtime.js';
import { keysConfig, manualClock, rejection } from './support.js';

let org: ReferenceIssuer;
let other: ReferenceIssuer;

beforeAll(async () => {
  [org, other] = await Promise.all([
    startIssuer({ port: 0, servers: ['default', 'payments'] }),
    startIssuer({ port: 0, servers: ['default'] }),
  ]);
});
afterEach(() => {
  org.clearFaults();
  org.resetCounts();
  other.resetCounts();
});
afterAll(async () => {
  await Promise.all([org.close(), other.close()]);
});

function keysFor(server: AuthServer, overrides: Partial<IssuerKeysConfig> = {}) {
  const clock = manualClock(Date.now());
  const config = keysConfig({
    issuer: server.issuer,
    clock: clock.now,
    transport: nodeRuntime.createTransport({}),
    signatures: nodeRuntime.signatures,
    ...overrides,
  });
  return { clock, config, keys: createIssuerKeys(config) };
}

function headerOf(token: string): { kid?: string; alg: string } {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
}

/** Resolves the token's key through `keys` and checks its signature with `signatures`. */
async function verifies(
  keys: IssuerKeys,
  token: string,
  signatures = nodeRuntime.signatures,
): Promise<boolean> {
  const { kid, alg } = headerOf(token);
  const resolved = await keys.getKey(kid, alg);
  const [header, payload, signature] = token.split('.') as [string, string, string];
  return signatures.verify(alg, resolved.key, `${header}.${payload}`, Buffer.from(signature, 'base64url'));
}

const jwksCount = (server: string) => org.requestCount({ server, endpoint: 'jwks' });
const discoveryCount = (server: string) => org.requestCount({ server, endpoint: 'discovery' });

describe('key path against the reference issuer over loopback', () => {
  it('verifies a minted token end to end with undici and node:crypto', async () => {
    const server = org.server('default');
    const { keys } = keysFor(server);
    expect(await verifies(keys, await server.mintAccessToken({ sub: 'alice' }))).toBe(true);
  });

  it('verifies a minted token end to end with fetch and WebCrypto', async () => {
    const server = org.server('default');
    const { keys } = keysFor(server, {
      transport: webRuntime.createTransport({}),
      signatures: webRuntime.signatures,
    });
    const token = await server.mintAccessToken({ sub: 'alice' });
    expect(await verifies(keys, token, webRuntime.signatures)).toBe(true);
  });

  it.each(['ES256', 'PS256', 'EdDSA'] as const)('verifies a %s token from an added key', async (alg) => {
    const server = org.server('payments');
    server.addKey(alg);
    const { keys } = keysFor(server, { algorithms: ['RS256', alg] });
    expect(await verifies(keys, await server.mintAccessToken({ sub: 'bob' }, { alg }))).toBe(true);
  });

  it('keeps each issuer in its own cache: a sibling server kid never helps (BCP-8, DESIGN rule 2)', async () => {
    const payments = keysFor(org.server('payments')).keys;
    const defaults = keysFor(org.server('default')).keys;
    const foreignKid = org.server('default').activeKid;
    expect((await defaults.getKey(foreignKid, 'RS256')).kid).toBe(foreignKid);
    const error = await rejection(payments.getKey(foreignKid, 'RS256'));
    expect(error.code).toBe('ERR_KEY_NOT_FOUND');
    expect(error.message).toContain(`kid "${foreignKid}" is not in the key set`);
    // A token for payments signed with the default server's key fails the same way.
    const crossSigned = await org.server('payments').mintAccessToken({}, { signWith: org.server('default') });
    expect((await rejection(verifies(payments, crossSigned))).code).toBe('ERR_KEY_NOT_FOUND');
    expect(jwksCount('payments')).toBe(1);
    expect(jwksCount('default')).toBe(1);
  });

  it('shares one discovery and one JWKS request among 1000 concurrent cold callers', async () => {
    const server = org.server('default');
    const { keys } = keysFor(server);
    const resolved = await Promise.all(
      Array.from({ length: 1000 }, () => keys.getKey(server.activeKid, 'RS256')),
    );
    expect(new Set(resolved).size).toBe(1);
    expect(discoveryCount('default')).toBe(1);
    expect(jwksCount('default')).toBe(1);
  });

  it('picks up a rotated key after exactly one refetch (OK-3, IDT-13)', async () => {
    const server = org.server('payments');
    const { keys } = keysFor(server);
    await keys.warm();
    expect(jwksCount('payments')).toBe(1);
    server.rotateKeys();
    const token = await server.mintAccessToken({ sub: 'carol' });
    expect(headerOf(token).kid).toBe(server.activeKid);
    expect(await verifies(keys, token)).toBe(true);
    expect(jwksCount('payments')).toBe(2);
    expect(keys.generation).toBe(2);
  });

  it('holds back a flood of made-up kids with the cooldown: one refetch, not one per kid (§4.13)', async () => {
    const server = org.server('default');
    const { keys, config } = keysFor(server);
    await keys.warm();
    const errors = await Promise.all(
      Array.from({ length: 200 }, () => rejection(keys.getKey(randomUUID(), 'RS256'))),
    );
    expect(errors.every((error) => error.code === 'ERR_KEY_NOT_FOUND')).toBe(true);
    expect(jwksCount('default')).toBe(2);
    for (let round = 0; round < 50; round += 1) await rejection(keys.getKey(randomUUID(), 'RS256'));
    expect(jwksCount('default')).toBe(2);
    expect(config.events.filter((event) => event.type === 'jwks_cooldown').length).toBeGreaterThan(0);
  });

  it('serves known kids from the stale set during an outage, and 503 once outside the window', async () => {
    const server = org.server('default');
    const { keys, clock } = keysFor(server);
    const kid = server.activeKid;
    await keys.getKey(kid, 'RS256');
    org.setFault({ server: 'default', endpoint: 'jwks', status: 503 });
    clock.advanceSeconds(300); // the issuer sends max-age=300
    expect((await keys.getKey(kid, 'RS256')).kid).toBe(kid);
    const unknown = await rejection(keys.getKey(randomUUID(), 'RS256'));
    expect(unknown.code).toBe('ERR_JWKS_FETCH_FAILED');
    expect(unknown.status).toBe(503);
    clock.advanceSeconds(3600);
    const expired = await rejection(keys.getKey(kid, 'RS256'));
    expect(expired.code).toBe('ERR_JWKS_FETCH_FAILED');
    expect(expired.status).toBe(503);
    expect(jwksCount('default')).toBe(3);
  });

  it('refuses a discovery document that names another issuer (MD-4, MD-5)', async () => {
    const server = org.server('payments');
    org.setFault({ server: 'payments', endpoint: 'discovery', issuer: org.server('default').issuer });
    const error = await rejection(keysFor(server).keys.warm());
    expect(error.code).toBe('ERR_DISCOVERY_ISSUER_MISMATCH');
    expect(error.message).toContain(`names "${org.server('default').issuer}"`);
    expect(error.message).toContain(`fetched for issuer "${server.issuer}"`);
    expect(jwksCount('payments')).toBe(0);
  });

  it('refuses a jwks_uri on another origin, and fetches it once that origin is allowed (§4.13 Transport)', async () => {
    const server = org.server('default');
    const foreignJwks = other.server('default').jwksUri;
    org.setFault({
      server: 'default',
      endpoint: 'discovery',
      body: JSON.stringify({ issuer: server.issuer, jwks_uri: foreignJwks }),
    });
    const error = await rejection(keysFor(server).keys.warm());
    expect(error.code).toBe('ERR_DISCOVERY_FAILED');
    expect(error.message).toContain(`is on origin ${other.origin}`);
    expect(other.requestCount({ endpoint: 'jwks' })).toBe(0);

    await keysFor(server, { allowedJwksOrigins: [other.origin] }).keys.warm();
    expect(other.requestCount({ endpoint: 'jwks' })).toBe(1);
  });

  it.each(['discovery', 'jwks'] as const)('times out a %s endpoint that never answers', async (endpoint) => {
    org.setFault({ server: 'default', endpoint, delayMs: 'never' });
    const error = await rejection(keysFor(org.server('default'), { httpTimeoutMs: 150 }).keys.warm());
    expect(error.code).toBe(endpoint === 'jwks' ? 'ERR_JWKS_FETCH_FAILED' : 'ERR_DISCOVERY_FAILED');
    expect(error.message).toContain('did not answer within 150 ms');
  });

  it('discovers the org server at its bare-origin addresses', async () => {
    const { keys } = keysFor(org.orgServer);
    const token = await org.orgServer.mintIdToken({ sub: 'dave', nonce: 'n' });
    expect(await verifies(keys, token)).toBe(true);
    expect(discoveryCount('org')).toBe(1);
  });
});
