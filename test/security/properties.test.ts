/**
 * Property tests: random mutations of a valid token (flip, insert, delete, truncate, swap or
 * repeat segments, re-encode) are never accepted, and every refusal is a TokenwardError with a
 * known code, never a TypeError; every call settles (a hang fails the test by its timeout).
 */
import {
  createAccessTokenVerifier as createNodeVerifier,
  type ErrorCode,
  isTokenwardError,
  statusForCode,
} from '@tokenward/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier as createWebVerifier } from '../../packages/core/src/index.js';
import { PROPERTY_RUNS } from './cases/index.js';
import { createForge, type Forge } from './forge.js';
import { AUDIENCE, b64, LabServer, labKey } from './lab.js';

/** Codes a token alone can cause (no network trouble: the lab server is up). */
const TOKEN_CODES: ReadonlySet<ErrorCode> = new Set([
  'ERR_TOKEN_MALFORMED',
  'ERR_TOKEN_TOO_LARGE',
  'ERR_ALG_NOT_ALLOWED',
  'ERR_CRIT_UNSUPPORTED',
  'ERR_KEY_NOT_FOUND',
  'ERR_SIGNATURE_INVALID',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_NOT_YET_VALID',
  'ERR_ISSUER_MISMATCH',
  'ERR_ORG_SERVER_TOKEN',
  'ERR_AUDIENCE_MISMATCH',
  'ERR_TYPE_INVALID',
  'ERR_CLAIM_MISSING',
  'ERR_CLAIM_INVALID',
]);

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Characters a mutation inserts: the alphabet, its look-alikes, and what lenient decoders skip. */
const noise = fc.constantFrom(...ALPHABET, '+', '/', '=', '.', ' ', '\n', '%', '\u0000', 'é', '\u0410');

type Mutation = (token: string) => string;

/** Position `at` folded into `length` (0 for an empty token, which mutations then only grow). */
const position = (at: number, length: number) => (length === 0 ? 0 : at % length);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), noise).map(
    ([at, char]): Mutation =>
      (token) => {
        const index = position(at, token.length);
        return token.slice(0, index) + char + token.slice(index + 1);
      },
  ),
  fc.tuple(fc.nat(), noise).map(
    ([at, char]): Mutation =>
      (token) => {
        const index = at % (token.length + 1);
        return token.slice(0, index) + char + token.slice(index);
      },
  ),
  fc.nat().map(
    (at): Mutation =>
      (token) => {
        const index = position(at, token.length);
        return token.slice(0, index) + token.slice(index + 1);
      },
  ),
  fc.nat().map(
    (at): Mutation =>
      (token) =>
        token.slice(0, position(at, token.length)),
  ),
  fc.constantFrom<Mutation>(
    (token) => token.split('.').reverse().join('.'),
    (token) => {
      const [h, p, s] = token.split('.');
      return [p, h, s].join('.');
    },
    (token) => {
      const [h, p, s] = token.split('.');
      return [h, s, p].join('.');
    },
    (token) => {
      const [h, , s] = token.split('.');
      return [h, h, s].join('.');
    },
    (token) => `${token}.${token.split('.')[2]}`,
  ),
  // Re-encode one segment: same bytes, another base64 spelling.
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom('base64', 'padded', 'spaced')).map(
    ([segment, style]): Mutation =>
      (token) => {
        const parts = token.split('.');
        const bytes = Buffer.from(parts[segment] ?? '', 'base64url');
        parts[segment] =
          style === 'base64'
            ? bytes.toString('base64').replace(/=+$/, '')
            : style === 'padded'
              ? `${bytes.toString('base64url')}=`
              : `${b64(bytes).slice(0, 2)} ${b64(bytes).slice(2)}`;
        return parts.join('.');
      },
  ),
  // Flip one bit of one decoded byte of one segment, then encode canonically.
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.nat(), fc.integer({ min: 0, max: 7 })).map(
    ([segment, at, bit]): Mutation =>
      (token) => {
        const parts = token.split('.');
        const bytes = Buffer.from(parts[segment] ?? '', 'base64url');
        if (bytes.length === 0) return `${token}A`;
        const index = at % bytes.length;
        bytes[index] = bytes[index]! ^ (1 << bit);
        parts[segment] = b64(bytes);
        return parts.join('.');
      },
  ),
);

let lab: LabServer;
let forge: Forge;

beforeAll(async () => {
  const key = labKey('k1', 'RS256');
  lab = await LabServer.start([key]);
  forge = createForge(lab.issuer, key, labKey('rogue', 'RS256'));
});
afterAll(() => lab.close());

async function outcomeOf(verify: () => Promise<unknown>): Promise<'accepted' | ErrorCode> {
  try {
    await verify();
    return 'accepted';
  } catch (error) {
    if (!isTokenwardError(error))
      throw new Error(`refused with something other than a TokenwardError: ${String(error)}`);
    return error.code;
  }
}

describe.each([
  ['Node entry', createNodeVerifier],
  ['web entry', createWebVerifier],
] as const)('mutated tokens, %s', (_entry, create) => {
  it('never accepts a mutation of a valid token; every refusal has a token code and its status', async () => {
    const verifier = create({ issuer: lab.issuer, audience: AUDIENCE, jwksCooldown: 0 });
    const valid = forge.withClaims({});
    await expect(verifier.verify(valid)).resolves.toMatchObject({ subject: 'alice' });
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const mutated = mutations.reduce((token, mutate) => mutate(token), valid);
        fc.pre(mutated !== valid);
        const outcome = await outcomeOf(() => verifier.verify(mutated));
        expect(outcome).not.toBe('accepted');
        expect(TOKEN_CODES.has(outcome as ErrorCode), outcome).toBe(true);
        expect(statusForCode(outcome as ErrorCode)).toBe(401);
      }),
      {
        numRuns:
          PROPERTY_RUNS['properties: mutated valid tokens (flip, insert, delete, truncate, swap, re-encode)'],
      },
    );
  });

  it('answers any signed JSON header and claims with a result or a TokenwardError, never a crash', async () => {
    const verifier = create({ issuer: lab.issuer, audience: AUDIENCE, jwksCooldown: 0 });
    const json = fc.jsonValue({ maxDepth: 3 });
    const header = fc.oneof(
      fc.dictionary(fc.string(), json, { maxKeys: 4 }).map((extra) => ({ ...forge.header(), ...extra })),
      json,
    );
    const claims = fc.oneof(
      fc
        .dictionary(
          fc.constantFrom('iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'scp', 'scope', 'cid', 'jti', 'x'),
          json,
        )
        .map((extra) => forge.claims(extra)),
      json,
    );
    await fc.assert(
      fc.asyncProperty(header, claims, async (h, c) => {
        const token = forge.signRaw(b64(JSON.stringify(h) ?? 'null'), b64(JSON.stringify(c) ?? 'null'));
        const outcome = await outcomeOf(() => verifier.verify(token));
        if (outcome !== 'accepted') expect(TOKEN_CODES.has(outcome), outcome).toBe(true);
      }),
      { numRuns: PROPERTY_RUNS['properties: random signed JSON headers and claims'] },
    );
  });
});
