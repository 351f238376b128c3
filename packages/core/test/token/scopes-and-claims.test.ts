import { describe, expect, it } from 'vitest';
import { checkClaims } from '../../src/claim-requirements.js';
import { checkScopes, scopesOf } from '../../src/scopes.js';
import type { AccessTokenClaims, ScopeMatch } from '../../src/types.js';
import { failureOf } from './helpers.js';

const base = { iss: 'i', sub: 's', aud: 'a', exp: 1 };
const scopes = (extra: Partial<AccessTokenClaims>) => scopesOf({ ...base, ...extra } as AccessTokenClaims);

describe('scopesOf (DESIGN rule 6)', () => {
  it('reads scp arrays (the vendor form)', () => {
    expect(scopes({ scp: ['orders:read', 'openid'] })).toEqual(['orders:read', 'openid']);
  });

  it('reads space-separated scope (RFC 9068 / RFC 8693 §4.2), ignoring repeated spaces', () => {
    expect(scopes({ scope: 'orders:read  openid ' })).toEqual(['orders:read', 'openid']);
  });

  it('merges both without repeats, and is frozen', () => {
    const list = scopes({ scp: ['a', 'b'], scope: 'b c' });
    expect(list).toEqual(['a', 'b', 'c']);
    expect(Object.isFrozen(list)).toBe(true);
  });

  it('is empty without scopes', () => {
    expect(scopes({})).toEqual([]);
  });

  it("hands back a parsed token's frozen scp as it is, and never with a repeat in it", () => {
    const distinct = Object.freeze(['a', 'b', 'c']);
    expect(scopes({ scp: distinct })).toBe(distinct);
    expect(scopes({ scp: Object.freeze(['a', 'b', 'a']) })).toEqual(['a', 'b']);
    const long = Object.freeze(['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's1']);
    expect(scopes({ scp: long })).toEqual(long.slice(0, 9));
    const unfrozen = ['a'];
    const copy = scopes({ scp: unfrozen });
    expect(copy).not.toBe(unfrozen);
    expect(Object.isFrozen(copy)).toBe(true);
  });
});

describe('checkScopes', () => {
  const result = { scopes: ['orders:read', 'orders:write'] };
  const check = (required: string[], match?: ScopeMatch) =>
    failureOf(() => checkScopes(result, required, match));

  it('passes when all are present (default all) or when one is present with any', () => {
    expect(() => checkScopes(result, ['orders:read', 'orders:write'])).not.toThrow();
    expect(() => checkScopes(result, ['admin', 'orders:read'], 'any')).not.toThrow();
    expect(() => checkScopes(result, [])).not.toThrow();
  });

  it('fails with 403 insufficient_scope listing the missing scopes (BT-7)', async () => {
    let error: unknown;
    try {
      checkScopes(result, ['orders:read', 'admin', 'audit']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      code: 'ERR_INSUFFICIENT_SCOPE',
      status: 403,
      message: 'token lacks scopes admin audit; required: orders:read admin audit',
      requiredScopes: ['orders:read', 'admin', 'audit'],
    });
    expect((error as { headers: Record<string, string> }).headers['WWW-Authenticate']).toContain(
      'error="insufficient_scope"',
    );
    expect((error as { headers: Record<string, string> }).headers['WWW-Authenticate']).toContain(
      'scope="orders:read admin audit"',
    );
  });

  it('fails with any when none match', async () => {
    expect(await check(['admin', 'audit'], 'any')).toEqual({
      code: 'ERR_INSUFFICIENT_SCOPE',
      message: 'token has none of the scopes admin audit; one is required',
    });
  });

  it('compares case-sensitively (BT-6)', async () => {
    expect((await check(['ORDERS:READ'])).code).toBe('ERR_INSUFFICIENT_SCOPE');
  });

  it("refuses a scopeMatch other than 'all' or 'any' as ERR_CONFIG", async () => {
    expect((await check(['x'], 'some' as ScopeMatch)).code).toBe('ERR_CONFIG');
  });
});

describe('checkClaims', () => {
  const result = { claims: { ...base, tier: 'gold', level: 3, admin: false, groups: ['staff', 'admins'] } };
  const check = (requirements: Parameters<typeof checkClaims>[1]) =>
    failureOf(() => checkClaims(result, requirements));

  it('passes equal values, includes, and predicates', () => {
    expect(() =>
      checkClaims(result, {
        tier: 'gold',
        level: 3,
        admin: false,
        groups: { includes: ['admins', 'staff'] },
        sub: (value, claims) => value === 's' && claims.iss === 'i',
      }),
    ).not.toThrow();
    expect(() => checkClaims(result, { groups: { includes: 'admins' } })).not.toThrow();
  });

  it('fails a missing claim with ERR_CLAIM_MISSING, whatever the requirement', async () => {
    for (const requirement of ['x', { includes: 'x' }, () => true] as const) {
      expect(await check({ department: requirement })).toEqual({
        code: 'ERR_CLAIM_MISSING',
        message: 'token has no "department" claim, which this route requires',
      });
    }
  });

  it('fails an unequal value with ERR_CLAIM_INVALID without echoing the value found', async () => {
    const failure = await check({ tier: 'platinum' });
    expect(failure).toEqual({
      code: 'ERR_CLAIM_INVALID',
      message: 'expected claim "tier" to equal "platinum"',
    });
    expect(failure.message).not.toContain('gold');
  });

  it('compares with === (no type coercion)', async () => {
    expect((await check({ level: '3' })).code).toBe('ERR_CLAIM_INVALID');
  });

  it('fails includes on a missing element or a non-array claim', async () => {
    expect(await check({ groups: { includes: ['admins', 'root'] } })).toEqual({
      code: 'ERR_CLAIM_INVALID',
      message: 'expected claim "groups" to include "root"',
    });
    expect((await check({ tier: { includes: 'g' } })).message).toBe(
      'expected claim "tier" to be an array; found string',
    );
  });

  it('fails a predicate returning anything but true', async () => {
    expect((await check({ level: () => false })).code).toBe('ERR_CLAIM_INVALID');
    expect((await check({ level: (() => 1) as unknown as () => boolean })).code).toBe('ERR_CLAIM_INVALID');
  });

  it('refuses an unsupported requirement shape as ERR_CONFIG', async () => {
    expect((await check({ tier: null as unknown as string })).code).toBe('ERR_CONFIG');
    expect((await check({ tier: { equals: 'gold' } as unknown as string })).code).toBe('ERR_CONFIG');
    expect((await check({ groups: { includes: [{}] } as unknown as { includes: string } })).code).toBe(
      'ERR_CONFIG',
    );
  });
});

describe('claims are own members only', () => {
  it('does not take inherited members such as constructor for claims', async () => {
    const result = { claims: { ...base } };
    expect((await failureOf(() => checkClaims(result, { constructor: () => true }))).code).toBe(
      'ERR_CLAIM_MISSING',
    );
    expect((await failureOf(() => checkClaims(result, { toString: { includes: 'x' } }))).code).toBe(
      'ERR_CLAIM_MISSING',
    );
  });
});
