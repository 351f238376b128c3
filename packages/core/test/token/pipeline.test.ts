import { describe, expect, it } from 'vitest';
import type { TokenwardError } from '../../src/errors.js';
import type { TokenwardEvent } from '../../src/events.js';
import {
  type AccessTokenPipeline,
  createAccessTokenCache,
  createAccessTokenPipeline,
  type VerifyTarget,
} from '../../src/lib/access-token/pipeline.js';
import type { CallChecks, CallOptions } from '../../src/lib/checks/call-checks.js';
import type { IssuerKeys, ResolvedKey } from '../../src/lib/keys/issuer-keys.js';
import { resolveVerifierOptions } from '../../src/lib/options/resolve.js';
import { nodeDigests } from '../../src/lib/runtime/node/node-digests.js';
import { nodeCodec } from '../../src/lib/runtime/node/node-runtime.js';
import type { AccessTokenVerifierOptions } from '../../src/options.js';
import type { SignaturePrimitive } from '../../src/runtime.js';
import type { AccessTokenResult } from '../../src/types.js';
import { compactJws, failureOf } from './helpers.js';

// A fake at the key-path seam: keys are strings, and a signature is valid when it spells the key.
const NOW = 1_700_000_000;
const DEFAULT = 'https://acme.okta.com/oauth2/default';
const PAYMENTS = 'https://acme.okta.com/oauth2/payments';

class FakeKeys implements IssuerKeys {
  generation = 1;
  freshUntil: number | undefined = (NOW + 600) * 1000;
  peeks = 0;
  gets: Array<string | undefined> = [];
  loaded = false;
  constructor(private readonly kids: ReadonlySet<string>) {}
  peekKey(kid: string | undefined, alg: string): ResolvedKey | undefined {
    this.peeks += 1;
    return this.loaded && kid !== undefined && this.kids.has(kid)
      ? { kid, alg, key: kid, generation: this.generation }
      : undefined;
  }
  getKey(kid: string | undefined, alg: string): Promise<ResolvedKey> {
    this.gets.push(kid);
    this.loaded = true;
    if (kid === undefined || !this.kids.has(kid)) return Promise.reject(new Error(`no key ${kid}`));
    return Promise.resolve({ kid, alg, key: kid, generation: this.generation });
  }
  warm(): Promise<void> {
    this.loaded = true;
    return Promise.resolve();
  }
  snapshot(): undefined {
    return undefined;
  }
  restore(): string {
    return 'not a snapshot fake';
  }
}

function countingPrimitive(mode: 'sync' | 'async') {
  const primitive = {
    verifications: 0,
    importKey: () => Promise.reject(new Error('unused')),
    verify(_alg: string, key: unknown, _input: string, signature: Uint8Array): boolean | Promise<boolean> {
      primitive.verifications += 1;
      const valid = Buffer.from(signature).toString() === `signed-by:${String(key)}`;
      return mode === 'sync' ? valid : Promise.resolve(valid);
    },
  };
  return primitive satisfies SignaturePrimitive & { verifications: number };
}

const signature = (kid: string) => Buffer.from(`signed-by:${kid}`).toString('base64url');

interface Setup {
  readonly pipeline: AccessTokenPipeline;
  readonly keys: { readonly default: FakeKeys; readonly payments: FakeKeys };
  readonly primitive: ReturnType<typeof countingPrimitive>;
  readonly clock: { now: number };
}

function setup(options: Partial<AccessTokenVerifierOptions> = {}, mode: 'sync' | 'async' = 'sync'): Setup {
  const clock = { now: NOW * 1000 };
  const settings = resolveVerifierOptions({
    issuers: [
      { issuer: DEFAULT, audience: 'api://default' },
      { issuer: PAYMENTS, audience: 'api://payments', algorithms: ['ES256'] },
    ],
    algorithms: ['RS256'],
    clock: () => clock.now,
    ...options,
  } as AccessTokenVerifierOptions);
  const keys = {
    default: new FakeKeys(new Set(['k1', 'shared'])),
    payments: new FakeKeys(new Set(['p1', 'shared'])),
  };
  const targets: VerifyTarget[] = settings.issuers.map((entry) => ({
    ...entry,
    keys: entry.issuer === DEFAULT ? keys.default : keys.payments,
  }));
  const primitive = countingPrimitive(mode);
  return {
    pipeline: createAccessTokenPipeline(
      settings,
      targets,
      { signatures: primitive, codec: nodeCodec, digests: nodeDigests },
      createAccessTokenCache(settings),
    ),
    keys,
    primitive,
    clock,
  };
}

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: DEFAULT,
  sub: 'alice',
  aud: 'api://default',
  cid: '0oa1',
  iat: NOW,
  exp: NOW + 300,
  scp: ['orders:read'],
  ...extra,
});
const token = (extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}, kid = 'k1') =>
  compactJws({ alg: 'RS256', kid, ...header }, claims(extra), signature(kid));

/** A bearer presentation with these requirements (the pipeline's second argument). */
const bearer = (checks: CallChecks): CallOptions => ({ checks, dpop: undefined });
const BEARER = bearer({});

const run = async (s: Setup, value: unknown) => s.pipeline(value, BEARER, false);
const untouched = (s: Setup) => {
  expect(s.keys.default.gets).toEqual([]);
  expect(s.keys.payments.gets).toEqual([]);
  expect(s.keys.default.peeks + s.keys.payments.peeks).toBe(0);
  expect(s.primitive.verifications).toBe(0);
};

describe('access-token pipeline: cheap failures cost no key lookup and no signature', () => {
  it.each([
    ['a non-string', 42, 'ERR_TOKEN_MALFORMED'],
    ['an oversized token', 'a'.repeat(9000), 'ERR_TOKEN_TOO_LARGE'],
    ['a JWE (BCP-5)', 'a.b.c.d.e', 'ERR_TOKEN_MALFORMED'],
    ['alg none (JOSE-14)', compactJws({ alg: 'none' }, claims(), 'eA'), 'ERR_ALG_NOT_ALLOWED'],
    ['alg HS256 (BCP-3)', compactJws({ alg: 'HS256', kid: 'k1' }, claims(), 'eA'), 'ERR_ALG_NOT_ALLOWED'],
    ['crit (JOSE-5)', token({}, { crit: ['exp'] }), 'ERR_CRIT_UNSUPPORTED'],
    ['an unknown issuer', token({ iss: 'https://evil.example/oauth2/default' }), 'ERR_ISSUER_MISMATCH'],
    ['the org server (OK-1)', token({ iss: 'https://acme.okta.com' }), 'ERR_ORG_SERVER_TOKEN'],
    ['a sibling server', token({ iss: 'https://acme.okta.com/oauth2/hr' }), 'ERR_ISSUER_MISMATCH'],
    ['an alg the named issuer does not allow', token({ iss: PAYMENTS }), 'ERR_ALG_NOT_ALLOWED'],
  ])('%s', async (_name, value, code) => {
    const s = setup();
    expect((await failureOf(() => run(s, value))).code).toBe(code);
    untouched(s);
  });
});

describe('access-token pipeline: keys and signature', () => {
  it('answers synchronously when the key is cached and the primitive is synchronous', async () => {
    const s = setup();
    await s.keys.default.warm();
    const outcome = s.pipeline(token(), BEARER, false);
    expect(outcome).not.toBeInstanceOf(Promise);
    expect((outcome as AccessTokenResult).subject).toBe('alice');
    expect(s.keys.default.gets).toEqual([]);
  });

  it('awaits getKey when the key is not cached, then verifies', async () => {
    const s = setup();
    const outcome = s.pipeline(token(), BEARER, false);
    expect(outcome).toBeInstanceOf(Promise);
    expect((await outcome).issuer).toBe(DEFAULT);
    expect(s.keys.default.gets).toEqual(['k1']);
  });

  it('works with an asynchronous primitive', async () => {
    const s = setup({}, 'async');
    await s.keys.default.warm();
    expect((await run(s, token())).subject).toBe('alice');
  });

  it('looks the kid up only in the keys of the issuer the token names (BCP-8, DESIGN rule 2)', async () => {
    const s = setup();
    await run(s, token({}, {}, 'shared'));
    expect(s.keys.default.gets).toEqual(['shared']);
    expect(s.keys.payments.gets).toEqual([]);
    expect(s.keys.payments.peeks).toBe(0);
  });

  it('ignores a key embedded in the header (JOSE-8, BCP-10)', async () => {
    const s = setup();
    const forged = compactJws(
      { alg: 'RS256', kid: 'attacker', jwk: { kty: 'RSA', kid: 'attacker' } },
      claims(),
      signature('attacker'),
    );
    await expect(run(s, forged)).rejects.toThrow('no key attacker');
    expect(s.keys.default.gets).toEqual(['attacker']);
    expect(s.primitive.verifications).toBe(0);
  });

  it('refuses a bad signature before reading any claim', async () => {
    const s = setup();
    const bad = compactJws({ alg: 'RS256', kid: 'k1' }, { iss: DEFAULT }, signature('other'));
    expect(await failureOf(() => run(s, bad))).toEqual({
      code: 'ERR_SIGNATURE_INVALID',
      message: `signature does not verify with the RS256 key (kid "k1") of ${DEFAULT}`,
    });
  });

  it('in synchronous mode refuses a key that is not imported with ERR_KEY_NOT_CACHED, fetching nothing', async () => {
    const s = setup();
    expect((await failureOf(() => s.pipeline(token(), BEARER, true))).code).toBe('ERR_KEY_NOT_CACHED');
    expect(s.keys.default.gets).toEqual([]);
    expect(s.primitive.verifications).toBe(0);
    await s.keys.default.warm();
    const outcome = s.pipeline(token(), BEARER, true);
    expect(outcome).not.toBeInstanceOf(Promise);
    expect((outcome as AccessTokenResult).subject).toBe('alice');
  });

  it('reports a failure once, naming the issuer once the token is routed and none before', async () => {
    const events: TokenwardEvent[] = [];
    const s = setup({ onEvent: (event) => events.push(event) });
    await expect(run(s, token({ aud: 'api://other' }))).rejects.toMatchObject({
      code: 'ERR_AUDIENCE_MISMATCH',
    });
    await expect(run(s, 'not-a-jwt')).rejects.toMatchObject({ code: 'ERR_TOKEN_MALFORMED' });
    expect(events.map((event) => event.type === 'verification_failed' && [event.issuer, event.code])).toEqual(
      [
        [DEFAULT, 'ERR_AUDIENCE_MISMATCH'],
        [undefined, 'ERR_TOKEN_MALFORMED'],
      ],
    );
  });
});

describe("access-token pipeline: this call's requirements", () => {
  it('checks scopes and claims inside the pipeline, on a first verification and on a cached one', async () => {
    const s = setup();
    const value = token();
    const needsWrite = { scopes: ['orders:write'] };
    expect((await failureOf(() => s.pipeline(value, bearer(needsWrite), false))).code).toBe(
      'ERR_INSUFFICIENT_SCOPE',
    );
    expect((await s.pipeline(value, bearer({ scopes: ['orders:read'] }), false)).subject).toBe('alice');
    expect(s.primitive.verifications).toBe(1);
    expect((await failureOf(() => s.pipeline(value, bearer(needsWrite), false))).code).toBe(
      'ERR_INSUFFICIENT_SCOPE',
    );
    expect((await failureOf(() => s.pipeline(value, bearer({ claims: { sub: 'bob' } }), false))).code).toBe(
      'ERR_CLAIM_INVALID',
    );
    expect(s.primitive.verifications).toBe(1);
  });

  it('gives its failures the configured realm', async () => {
    const s = setup({ realm: 'orders' });
    let error: unknown;
    try {
      await s.pipeline(token(), bearer({ scopes: ['orders:write'] }), false);
    } catch (caught) {
      error = caught;
    }
    expect((error as TokenwardError).headers['WWW-Authenticate']).toContain('realm="orders"');
  });
});

describe('access-token pipeline: result', () => {
  it('is frozen, deeply, and normalises audience, scopes and client id', async () => {
    const s = setup();
    const value = token({
      aud: ['api://default', 'x'],
      scope: 'orders:read orders:write',
      scp: ['orders:read', 'orders:write'],
      nested: { a: [1] },
    });
    const result = await run(s, value);
    expect(result).toMatchObject({
      token: value,
      header: { alg: 'RS256', kid: 'k1' },
      issuer: DEFAULT,
      subject: 'alice',
      audience: ['api://default', 'x'],
      scopes: ['orders:read', 'orders:write'],
      clientId: '0oa1',
      expiresAt: new Date((NOW + 300) * 1000),
      server: { kind: 'custom', id: 'default', issuer: DEFAULT },
    });
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.claims)).toBe(true);
    expect(Object.isFrozen((result.claims.nested as { a: number[] }).a)).toBe(true);
    expect(Object.isFrozen(result.header)).toBe(true);
  });

  it('has no clientId member when the token has none', async () => {
    const s = setup({ typ: 'at+jwt' });
    const result = await run(s, token({ cid: undefined }, { typ: 'at+jwt' }));
    expect('clientId' in result).toBe(false);
  });
});

describe('access-token pipeline: verified-result cache', () => {
  it('skips decoding and the signature on a repeat, returning an equal frozen result', async () => {
    const s = setup();
    const value = token();
    const first = await run(s, value);
    const second = await run(s, value);
    // The cache answers its own copy (see result-cache.ts), the same copy on every hit.
    expect(second).toEqual(first);
    expect(Object.isFrozen(second)).toBe(true);
    expect(Object.isFrozen(second.audience)).toBe(true);
    expect(Object.isFrozen(second.scopes)).toBe(true);
    expect(second.claims).toBe(first.claims);
    expect(await run(s, value)).toBe(second);
    expect(s.primitive.verifications).toBe(1);
  });

  it('answers a cached copy with the same members, clientId only when the token has one', async () => {
    const s = setup({ typ: 'at+jwt' });
    const value = token({ cid: undefined }, { typ: 'at+jwt' });
    await run(s, value);
    const hit = await run(s, value);
    expect(s.primitive.verifications).toBe(1);
    expect('clientId' in hit).toBe(false);
  });

  it('re-checks expiry on a hit, with the tolerance', async () => {
    const s = setup();
    const value = token({ exp: NOW + 10 });
    await run(s, value);
    s.clock.now = (NOW + 39) * 1000;
    expect((await run(s, value)).subject).toBe('alice');
    s.clock.now = (NOW + 40) * 1000;
    expect((await failureOf(() => run(s, value))).code).toBe('ERR_TOKEN_EXPIRED');
    expect(s.primitive.verifications).toBe(2);
  });

  it('re-checks maxTokenAge on a hit', async () => {
    const s = setup({ maxTokenAge: 60, clockTolerance: 0 });
    const value = token();
    await run(s, value);
    s.clock.now = (NOW + 61) * 1000;
    expect((await failureOf(() => run(s, value))).code).toBe('ERR_TOKEN_EXPIRED');
  });

  it('is dropped when the issuer key set changes', async () => {
    const s = setup();
    const value = token();
    await run(s, value);
    s.keys.default.generation += 1;
    await run(s, value);
    expect(s.primitive.verifications).toBe(2);
  });

  it('is not used once the key set is no longer fresh', async () => {
    const s = setup();
    const value = token();
    await run(s, value);
    s.keys.default.freshUntil = s.clock.now;
    await run(s, value);
    expect(s.primitive.verifications).toBe(2);
  });

  it('never caches a failure', async () => {
    const s = setup();
    const value = token({ aud: 'api://other' });
    await failureOf(() => run(s, value));
    await failureOf(() => run(s, value));
    expect(s.primitive.verifications).toBe(2);
  });

  it('is off with resultCache: false', async () => {
    const s = setup({ resultCache: false });
    const value = token();
    await run(s, value);
    await run(s, value);
    expect(s.primitive.verifications).toBe(2);
  });
});
