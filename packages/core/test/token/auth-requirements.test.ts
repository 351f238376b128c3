import { describe, expect, it } from 'vitest';
import * as webEntry from '../../src/index.js';
import * as nodeEntry from '../../src/node.js';
import { failureOf } from './helpers.js';

const { validateAuthRequirements, checkClaims } = webEntry;

/** The ERR_CONFIG message `validateAuthRequirements(value, where)` throws. */
async function refusal(value: unknown, where = 'config.auth of GET /orders'): Promise<string> {
  const failure = await failureOf(() => validateAuthRequirements(value, where));
  expect(failure.code).toBe('ERR_CONFIG');
  return failure.message;
}

describe('validateAuthRequirements: one check of { scopes, scopeMatch, claims } for verify and both adapters', () => {
  it('is exported from both entries', () => {
    expect(nodeEntry.validateAuthRequirements).toBe(webEntry.validateAuthRequirements);
  });

  it('accepts every documented shape and returns a frozen copy', () => {
    const predicate = (value: unknown) => value === 'eu';
    const requirements = {
      scopes: ['orders:read', 'https://api.example/orders!#$%&()*+,-./:;<=>?@[]^_`{|}~'],
      scopeMatch: 'any',
      claims: {
        tier: 'gold',
        level: 3,
        admin: false,
        groups: { includes: 'staff' },
        roles: { includes: ['reader', 2, true] },
        region: predicate,
      },
    };
    const checked = validateAuthRequirements(requirements, 'verify');
    expect(checked).toEqual(requirements);
    expect(checked).not.toBe(requirements);
    expect(Object.isFrozen(checked)).toBe(true);
    expect(Object.isFrozen(checked.scopes)).toBe(true);
    expect(Object.isFrozen(checked.claims)).toBe(true);
    expect(Object.isFrozen(checked.claims?.roles)).toBe(true);
    expect(checked.claims?.region).toBe(predicate);
  });

  it('hands back its own result as it is, and checks a look-alike copy afresh', () => {
    const checked = validateAuthRequirements({ scopes: ['orders:read'] }, 'requireAuth');
    expect(validateAuthRequirements(checked, 'verify')).toBe(checked);
    const lookAlike = Object.freeze({ scopes: Object.freeze(['orders read']) });
    expect(() => validateAuthRequirements(lookAlike, 'verify')).toThrow('`scopes[0]` must be a scope token');
  });

  it('takes {} (and members set to undefined) as no requirements', () => {
    expect(validateAuthRequirements({}, 'verify')).toEqual({});
    expect(
      validateAuthRequirements({ scopes: undefined, scopeMatch: undefined, claims: undefined }, 'verify'),
    ).toEqual({});
  });

  it('is not fooled by a change to the caller object after the check', () => {
    const scopes = ['orders:read'];
    const checked = validateAuthRequirements({ scopes }, 'verify');
    scopes[0] = 'orders read';
    expect(checked.scopes).toEqual(['orders:read']);
  });

  it.each([
    ['null', null, 'found null'],
    ['an array', [], 'found an empty array'],
    ['a string', 'orders:read', 'found "orders:read"'],
    ['a Map', new Map(), 'found an object'],
  ])('refuses %s instead of an object, naming the place', async (_case, value, what) => {
    expect(await refusal(value)).toBe(
      `tokenward: config.auth of GET /orders: expected an object of { scopes, scopeMatch, claims }; ${what}`,
    );
  });

  it('refuses unknown members, such as the typo scope', async () => {
    expect(await refusal({ scope: ['orders:read'] })).toBe(
      'tokenward: config.auth of GET /orders: unknown option `scope`; did you mean `scopes`? known options: scopes, scopeMatch, claims, acrValues, maxAge',
    );
  });

  it.each([
    ['a string', 'orders:read', 'found "orders:read"'],
    ['an empty list', [], 'found an empty array'],
  ])('refuses scopes given as %s', async (_case, scopes, what) => {
    expect(await refusal({ scopes })).toBe(
      `tokenward: config.auth of GET /orders: \`scopes\` must be a non-empty array of scope tokens (RFC 6749 section 3.3); ${what}`,
    );
  });

  it.each([
    ['a space', ['orders:read', 'orders read'], 1, '"orders read"'],
    ['an empty name', [''], 0, '""'],
    ['a double quote', ['a"b'], 0, '"a\\"b"'],
    ['a backslash', ['a\\b'], 0, '"a\\\\b"'],
    ['a non-ASCII letter', ['commandes:lire-é'], 0, '"commandes:lire-é"'],
    ['a number', [42], 0, 'number 42'],
  ])('refuses a scope token with %s (RFC 6749 §3.3)', async (_case, scopes, index, what) => {
    expect(await refusal({ scopes })).toBe(
      `tokenward: config.auth of GET /orders: \`scopes[${index}]\` must be a scope token, visible ASCII without spaces, " or \\ (RFC 6749 section 3.3); found ${what}`,
    );
  });

  it('checks every element of a sparse scope list', async () => {
    const scopes = ['orders:read'];
    scopes[2] = 'orders:write';
    expect(await refusal({ scopes })).toContain('`scopes[1]` must be a scope token');
  });

  it("refuses a scopeMatch other than 'all' or 'any'", async () => {
    expect(await refusal({ scopes: ['a'], scopeMatch: 'some' })).toBe(
      "tokenward: config.auth of GET /orders: `scopeMatch` must be 'all' or 'any'; found \"some\"",
    );
  });

  it('refuses claims that are not an object or name no claim', async () => {
    expect(await refusal({ claims: ['tier'] })).toBe(
      "tokenward: config.auth of GET /orders: `claims` must be an object of claim requirements, e.g. { tier: 'gold' }; found an array",
    );
    expect(await refusal({ claims: {} })).toBe(
      'tokenward: config.auth of GET /orders: `claims` must name at least one claim; found an empty object',
    );
  });

  it.each([
    ['null', null, 'null'],
    ['an object other than { includes }', { equals: 'gold' }, 'an object'],
    ['includes beside another member', { includes: 'a', all: true }, 'an object'],
    ['includes of an empty list', { includes: [] }, 'an object'],
    ['includes of an object', { includes: [{}] }, 'an object'],
    ['NaN, which no claim can equal', Number.NaN, 'number NaN'],
    ['a list', ['gold'], 'an array'],
  ])('refuses a claim requirement of %s, naming the claim', async (_case, requirement, what) => {
    expect(await refusal({ claims: { tier: 'gold', groups: requirement } }, 'verify')).toBe(
      `tokenward: verify: \`claims.groups\` must be a string, a finite number, a boolean, { includes: value or non-empty array of values } or a function; found ${what}`,
    );
  });

  it('keeps a claim named __proto__ a claim requirement', () => {
    const claims = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    const checked = validateAuthRequirements({ claims }, 'verify');
    expect(Object.keys(checked.claims ?? {})).toEqual(['__proto__']);
  });
});

describe('checkClaims checks the shape of every requirement before any claim', () => {
  const result = { claims: { iss: 'i', sub: 's', aud: 'a', exp: 1 } };

  it('reports a malformed requirement as ERR_CONFIG even when its claim is missing too', async () => {
    const failure = await failureOf(() =>
      checkClaims(result, { department: 'sales', tier: { equals: 'gold' } as unknown as string }),
    );
    expect(failure).toEqual({
      code: 'ERR_CONFIG',
      message:
        'tokenward: checkClaims: `claims.tier` must be a string, a finite number, a boolean, { includes: value or non-empty array of values } or a function; found an object',
    });
  });

  it('refuses requirements that name no claim', async () => {
    expect((await failureOf(() => checkClaims(result, {}))).code).toBe('ERR_CONFIG');
  });
});
