/**
 * Answers that carry less than everything (RFC 7662 §2.2 requires only `active`), from the
 * reference issuer on loopback, reshaped by its `reshapeIntrospection` hook. In `mode: 'always'`
 * the JWT that verified locally stands in for every member its answer leaves out; an opaque
 * token's answer is all there is, so it must carry what the issuer and audience boundaries need,
 * and a refusal names the member it lacked.
 */
import { describe, expect, it } from 'vitest';
import { type AccessTokenVerifierOptions, createAccessTokenVerifier } from '../../src/node.js';
import { manualClock, rejectionOf } from '../integration/support.js';
import { INTROSPECTION_CLIENT as CLIENT, useIntrospectingIssuer } from './support.js';

const reference = useIntrospectingIssuer();

function verifierFor(
  mode: 'always' | 'fallback',
  maxCacheAge: number,
  extra: Partial<AccessTokenVerifierOptions> = {},
) {
  const clock = manualClock();
  const verifier = createAccessTokenVerifier({
    issuer: reference.server.issuer,
    audience: reference.server.audience,
    clock: clock.now,
    introspection: { mode, ...CLIENT, maxCacheAge },
    ...extra,
  } as AccessTokenVerifierOptions);
  return { verifier, clock };
}

describe("mode 'always': the JWT stands in for what its answer leaves out (IN-2, IN-8)", () => {
  it('IN-2: a bare {"active": true} confirms the JWT: the result is the one its local checks gave', async () => {
    const { verifier } = verifierFor('always', 0);
    const jwt = await reference.server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const local = await verifier.verify(jwt);
    expect(reference.server.reshapeIntrospection(jwt, { omit: 'all' })).toBe(true);
    const before = reference.introspections();
    const result = await verifier.verify(jwt, { scopes: ['orders:read'] });
    expect(reference.introspections()).toBe(before + 1);
    expect(result).toEqual(local);
  });

  it.each(['iss', 'aud', 'exp'])('IN-2: an answer without %s confirms the JWT unchanged', async (member) => {
    const { verifier } = verifierFor('always', 0);
    const jwt = await reference.server.mintAccessToken({
      sub: 'alice',
      scp: ['orders:read', 'orders:write'],
    });
    const local = await verifier.verify(jwt);
    reference.server.reshapeIntrospection(jwt, { omit: [member] });
    expect(await verifier.verify(jwt, { scopes: ['orders:write'] })).toEqual(local);
  });

  it('IN-2: a bare answer meets maxTokenAge and requiredClaims through the JWT, which the local checks held to them', async () => {
    const { verifier } = verifierFor('always', 0, { maxTokenAge: 600, requiredClaims: ['jti', 'cid'] });
    const jwt = await reference.server.mintAccessToken({ sub: 'alice' });
    reference.server.reshapeIntrospection(jwt, { omit: 'all' });
    await expect(verifier.verify(jwt)).resolves.toMatchObject({ subject: 'alice' });
  });

  it('IN-8: a member the bare answer does state is still held to the JWT: another issuer, a refresh token, a withdrawn scope', async () => {
    const { verifier } = verifierFor('always', 0);
    const jwt = await reference.server.mintAccessToken({
      sub: 'alice',
      scp: ['orders:read', 'orders:write'],
    });
    reference.server.reshapeIntrospection(jwt, { omit: 'all', set: { iss: `${reference.server.issuer}x` } });
    const sibling = await rejectionOf(verifier.verify(jwt));
    expect(sibling).toMatchObject({ code: 'ERR_ISSUER_MISMATCH', status: 401 });
    expect(sibling.headers['WWW-Authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);

    reference.server.reshapeIntrospection(jwt, { omit: 'all', set: { token_type: 'refresh_token' } });
    await expect(verifier.verify(jwt)).rejects.toMatchObject({ code: 'ERR_TYPE_INVALID', status: 401 });

    reference.server.reshapeIntrospection(jwt, { omit: 'all', set: { scope: 'orders:read' } });
    expect((await verifier.verify(jwt)).scopes).toEqual(['orders:read']);
    await expect(verifier.verify(jwt, { scopes: ['orders:write'] })).rejects.toMatchObject({
      code: 'ERR_INSUFFICIENT_SCOPE',
      status: 403,
    });

    reference.server.revokeToken(jwt);
    await expect(verifier.verify(jwt)).rejects.toMatchObject({ code: 'ERR_TOKEN_INACTIVE', status: 401 });
  });

  it('IN-4: an answer without exp is cached for maxCacheAge, then asked again', async () => {
    const { verifier, clock } = verifierFor('always', 60);
    const jwt = await reference.server.mintAccessToken(
      { sub: 'alice' },
      { expiresIn: 3600, now: clock.seconds() },
    );
    reference.server.reshapeIntrospection(jwt, { omit: 'all' });
    const before = reference.introspections();
    for (let use = 0; use < 3; use += 1) await verifier.verify(jwt);
    expect(reference.introspections()).toBe(before + 1);
    clock.advance(61);
    await verifier.verify(jwt);
    expect(reference.introspections()).toBe(before + 2);
  });
});

describe('an opaque token: its answer must stand alone (IN-2)', () => {
  const lacking = [
    { member: 'iss', omit: ['iss'], why: /a server vouches only for its own tokens/ },
    { member: 'aud', omit: ['aud'], why: /this API/ },
    { member: 'exp', omit: ['exp'], why: /RFC 7662 section 4/ },
    { member: 'sub', omit: ['sub', 'client_id'], why: /"client_id"/ },
  ];

  it.each(lacking)(
    'IN-2: an answer without $member is 401 invalid_token naming it',
    async ({ member, omit, why }) => {
      const { verifier } = verifierFor('fallback', 0);
      const opaque = await reference.server.mintAccessToken({ sub: 'alice' }, { format: 'opaque' });
      await expect(verifier.verify(opaque)).resolves.toMatchObject({ subject: 'alice' });
      reference.server.reshapeIntrospection(opaque, { omit });
      const refused = await rejectionOf(verifier.verify(opaque));
      expect(refused).toMatchObject({ code: 'ERR_CLAIM_MISSING', status: 401 });
      expect(refused.message).toMatch(new RegExp(`^the introspection response has no "${member}"; `));
      expect(refused.message).toMatch(why);
      expect(refused.message).not.toContain(opaque);
      expect(refused.headers['WWW-Authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
    },
  );

  it('IN-4: an answer without exp is refused on every use within maxCacheAge without asking again', async () => {
    const { verifier } = verifierFor('fallback', 60);
    const opaque = await reference.server.mintAccessToken({ sub: 'alice' }, { format: 'opaque' });
    reference.server.reshapeIntrospection(opaque, { omit: ['exp'] });
    const before = reference.introspections();
    for (let use = 0; use < 2; use += 1) {
      await expect(verifier.verify(opaque)).rejects.toMatchObject({ code: 'ERR_CLAIM_MISSING' });
    }
    expect(reference.introspections()).toBe(before + 1);
  });
});
