import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTokenwardError } from '../../src/errors.js';
import { createAccessTokenVerifier } from '../../src/node.js';
import { manualClock, rejectionOf } from './support.js';

let org: ReferenceIssuer;
let server: AuthServer;
const clock = manualClock();
const LEVELS = ['urn:loa:1', 'urn:loa:2', 'urn:loa:3'];

beforeAll(async () => {
  org = await startIssuer({ port: 0 });
  server = org.server('default');
});
afterAll(() => org.close());

const verifier = (acrLevels?: readonly string[]) =>
  createAccessTokenVerifier({
    issuer: server.issuer,
    audience: server.audience,
    clock: clock.now,
    ...(acrLevels === undefined ? {} : { acrLevels }),
  });
const mint = (claims: Record<string, unknown>) => server.mintAccessToken(claims, { now: clock.seconds() });

describe('step-up authentication through verify (RFC 9470)', () => {
  it('accepts a token whose sign-in is strong and recent enough', async () => {
    const token = await mint({ acr: 'urn:loa:2', auth_time: clock.seconds() - 30 });
    await expect(verifier().verify(token, { acrValues: ['urn:loa:2'], maxAge: 300 })).resolves.toMatchObject({
      claims: { acr: 'urn:loa:2' },
    });
  });

  it('refuses a weak acr with 401 insufficient_user_authentication and acr_values (RFC 9470 section 3)', async () => {
    const token = await mint({ acr: 'urn:loa:1', auth_time: clock.seconds() });
    const refusal = await rejectionOf(verifier().verify(token, { acrValues: ['urn:loa:2'] }));
    expect(refusal.code).toBe('ERR_INSUFFICIENT_USER_AUTHENTICATION');
    expect(refusal.status).toBe(401);
    const challenge = refusal.headers['WWW-Authenticate'];
    expect(challenge).toMatch(
      /^Bearer realm="api", error="insufficient_user_authentication", error_description="[^"]+"/,
    );
    expect(challenge).toMatch(/, acr_values="urn:loa:2"$/);
  });

  it('refuses a stale sign-in with max_age, also for a token already in the result cache', async () => {
    const token = await mint({ acr: 'urn:loa:3', auth_time: clock.seconds() - 120 });
    const v = verifier();
    await expect(v.verify(token, { maxAge: 600 })).resolves.toBeDefined();
    const refusal = await rejectionOf(v.verify(token, { maxAge: 60 }));
    expect(refusal.code).toBe('ERR_INSUFFICIENT_USER_AUTHENTICATION');
    expect(refusal.headers['WWW-Authenticate']).toContain('max_age="60"');
  });

  it('fails closed for a token without acr or auth_time', async () => {
    const token = await mint({});
    expect((await rejectionOf(verifier().verify(token, { acrValues: ['urn:loa:1'] }))).code).toBe(
      'ERR_INSUFFICIENT_USER_AUTHENTICATION',
    );
    expect((await rejectionOf(verifier().verify(token, { maxAge: 3600 }))).code).toBe(
      'ERR_INSUFFICIENT_USER_AUTHENTICATION',
    );
  });

  it('with acrLevels, a stronger level satisfies "at least" a weaker one', async () => {
    const token = await mint({ acr: 'urn:loa:3' });
    await expect(verifier(LEVELS).verify(token, { acrValues: ['urn:loa:2'] })).resolves.toBeDefined();
    await expect(rejectionOf(verifier().verify(token, { acrValues: ['urn:loa:2'] }))).resolves.toMatchObject({
      code: 'ERR_INSUFFICIENT_USER_AUTHENTICATION',
    });
  });

  it.each([
    ['acrValues: []', { acrValues: [] }],
    ['acrValues with a space', { acrValues: ['a b'] }],
    ['a negative maxAge', { maxAge: -1 }],
    ['a fractional maxAge', { maxAge: 1.5 }],
  ])('refuses %s as ERR_CONFIG, never a 401', async (_, requirement) => {
    const token = await mint({ acr: 'urn:loa:3' });
    const error = await verifier()
      .verify(token, requirement as never)
      .catch((caught: unknown) => caught);
    expect(isTokenwardError(error) && error.code).toBe('ERR_CONFIG');
  });

  it('refuses malformed acrLevels at construction', () => {
    expect(() => verifier([])).toThrow(/acrLevels/);
  });
});
