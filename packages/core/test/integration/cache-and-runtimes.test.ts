import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessTokenVerifierFactory } from '../../src/access-token.js';
import type { TokenwardEvent } from '../../src/events.js';
import { createAccessTokenVerifier as createWebVerifier } from '../../src/index.js';
import { nodeRuntime } from '../../src/lib/runtime/node/node-runtime.js';
import { createAccessTokenVerifier } from '../../src/node.js';
import type { Runtime } from '../../src/runtime.js';
import { manualClock, rejectionOf, SERVERS } from './support.js';

let org: ReferenceIssuer;
let def: AuthServer;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: SERVERS });
  def = org.server('default');
});
afterAll(() => org.close());
beforeEach(() => org.resetCounts());

/** The Node runtime with its real primitive, counting signature checks. */
function countingNodeRuntime(): { runtime: Runtime; verifications: () => number } {
  let count = 0;
  const signatures = {
    importKey: nodeRuntime.signatures.importKey.bind(nodeRuntime.signatures),
    verify: (...args: Parameters<Runtime['signatures']['verify']>) => {
      count += 1;
      return nodeRuntime.signatures.verify(...args);
    },
  };
  return { runtime: { ...nodeRuntime, signatures }, verifications: () => count };
}

describe('verified-result cache against the real issuer', () => {
  it('skips the signature check for a repeated token', async () => {
    const { runtime, verifications } = countingNodeRuntime();
    const verifier = accessTokenVerifierFactory(runtime)({ issuer: def.issuer, audience: def.audience });
    const token = await def.mintAccessToken({ scp: ['orders:read'] });
    const first = await verifier.verify(token);
    const second = await verifier.verify(token, { scopes: ['orders:read'] });
    expect(second).toEqual(first);
    expect(verifications()).toBe(1);
    expect((await rejectionOf(verifier.verify(token, { scopes: ['admin'] }))).code).toBe(
      'ERR_INSUFFICIENT_SCOPE',
    );
    expect(verifications()).toBe(1);
  });

  it('is dropped when the key set rotates (generation changes)', async () => {
    const { runtime, verifications } = countingNodeRuntime();
    const clock = manualClock();
    const verifier = accessTokenVerifierFactory(runtime)({
      issuer: def.issuer,
      audience: def.audience,
      clock: clock.now,
    });
    const before = await def.mintAccessToken({}, { now: clock.seconds() });
    await verifier.verify(before);
    await verifier.verify(before);
    expect(verifications()).toBe(1);

    def.rotateKeys();
    clock.advance(31); // past the unknown-kid cooldown
    const after = await def.mintAccessToken({}, { now: clock.seconds() });
    await verifier.verify(after);
    expect(org.requestCount({ server: 'default', endpoint: 'jwks' })).toBe(2);
    expect(verifications()).toBe(2);

    // The old key is still published, so the old token verifies again, from scratch.
    await verifier.verify(before);
    expect(verifications()).toBe(3);
  });

  it('re-checks expiry on a cache hit', async () => {
    const clock = manualClock();
    const verifier = createAccessTokenVerifier({
      issuer: def.issuer,
      audience: def.audience,
      clock: clock.now,
    });
    const token = await def.mintAccessToken({}, { now: clock.seconds(), expiresIn: 60 });
    await verifier.verify(token);
    clock.advance(95);
    expect((await rejectionOf(verifier.verify(token))).code).toBe('ERR_TOKEN_EXPIRED');
  });

  it('is off with resultCache: false', async () => {
    const { runtime, verifications } = countingNodeRuntime();
    const verifier = accessTokenVerifierFactory(runtime)({
      issuer: def.issuer,
      audience: def.audience,
      resultCache: false,
    });
    const token = await def.mintAccessToken();
    await verifier.verify(token);
    await verifier.verify(token);
    expect(verifications()).toBe(2);
  });
});

describe('events and realm', () => {
  it('reports failures with their code and issuer, never the token', async () => {
    const events: TokenwardEvent[] = [];
    const verifier = createAccessTokenVerifier({
      issuer: def.issuer,
      audience: def.audience,
      onEvent: (event) => events.push(event),
    });
    const token = await def.mintAccessToken({}, { audience: 'api://payments' });
    await rejectionOf(verifier.verify(token));
    const failed = events.filter((event) => event.type === 'verification_failed');
    expect(failed).toEqual([
      {
        type: 'verification_failed',
        issuer: def.issuer,
        code: 'ERR_AUDIENCE_MISMATCH',
        message: 'expected aud "api://default"; found "api://payments"',
      },
    ]);
    expect(events.some((event) => event.type === 'jwks_fetched')).toBe(true);
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it('reports a failure before routing without an issuer', async () => {
    const events: TokenwardEvent[] = [];
    const verifier = createAccessTokenVerifier({
      issuer: def.issuer,
      audience: def.audience,
      onEvent: (event) => events.push(event),
    });
    await rejectionOf(verifier.verify('not-a-jwt'));
    expect(events).toEqual([
      {
        type: 'verification_failed',
        issuer: undefined,
        code: 'ERR_TOKEN_MALFORMED',
        message: 'expected a JWT of 3 dot-separated segments; found 1',
      },
    ]);
  });

  it('puts the configured realm in challenges (BT-6)', async () => {
    const verifier = createAccessTokenVerifier({
      issuer: def.issuer,
      audience: def.audience,
      realm: 'orders',
    });
    const failure = await rejectionOf(verifier.verify('a.b'));
    expect(failure.headers['WWW-Authenticate']).toMatch(/^Bearer realm="orders", error="invalid_token"/);
  });

  it('answers an unreachable key set with 503 and Retry-After, not invalid_token', async () => {
    const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });
    org.setFault({ server: 'default', endpoint: 'jwks', status: 500 });
    try {
      const failure = await rejectionOf(verifier.verify(await def.mintAccessToken()));
      expect(failure.status).toBe(503);
      expect(failure.headers['Retry-After']).toBeDefined();
      expect(failure.headers['WWW-Authenticate']).not.toContain('invalid_token');
    } finally {
      org.clearFaults();
    }
  });
});

describe('both entries verify against the real issuer', () => {
  it('default entry: fetch transport and WebCrypto', async () => {
    const verifier = createWebVerifier({ issuer: def.issuer, audience: def.audience });
    const result = await verifier.verify(await def.mintAccessToken({ sub: 'web' }));
    expect(result.subject).toBe('web');
  });

  it('default entry refuses what the Node entry refuses', async () => {
    const verifier = createWebVerifier({ issuer: def.issuer, audience: def.audience });
    const token = await def.mintAccessToken(
      {},
      { signWith: org.server('payments'), header: { kid: def.activeKid } },
    );
    expect((await rejectionOf(verifier.verify(token))).code).toBe('ERR_SIGNATURE_INVALID');
  });

  it('Node entry with an injected fetch uses it instead of undici', async () => {
    const urls: string[] = [];
    const verifier = createAccessTokenVerifier({
      issuer: def.issuer,
      audience: def.audience,
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
    });
    await verifier.verify(await def.mintAccessToken());
    expect(urls).toContain(def.jwksUri);
  });

  it('Node entry with an undici dispatcher', async () => {
    const dispatcher = new Agent();
    try {
      const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience, dispatcher });
      await expect(verifier.verify(await def.mintAccessToken())).resolves.toMatchObject({
        issuer: def.issuer,
      });
    } finally {
      await dispatcher.close();
    }
  });

  it('skips discovery with jwksUri', async () => {
    const verifier = createAccessTokenVerifier({
      issuer: def.issuer,
      audience: def.audience,
      jwksUri: def.jwksUri,
    });
    await verifier.verify(await def.mintAccessToken());
    expect(org.requestCount({ endpoint: 'discovery' })).toBe(0);
    expect(org.requestCount({ endpoint: 'jwks' })).toBe(1);
  });
});
