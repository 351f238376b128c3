/**
 * An introspection answer outside RFC 7662 §2.2 is the authorization server's fault, not the
 * token's: 503 `ERR_INTROSPECTION_FAILED` with `Retry-After` and a bare challenge (the client
 * keeps its token), one `introspection_failed` event whose message names the member, what was
 * expected and what was found (never the token), and nothing cached. Against the reference
 * issuer on loopback: members reshaped by its `reshapeIntrospection` hook, raw bodies (a member
 * named twice) served by its fault hook.
 */
import { describe, expect, it } from 'vitest';
import {
  type AccessTokenVerifierOptions,
  createAccessTokenVerifier,
  type TokenwardEvent,
} from '../../src/node.js';
import { manualClock, rejectionOf } from '../integration/support.js';
import { INTROSPECTION_CLIENT as CLIENT, useIntrospectingIssuer } from './support.js';

const reference = useIntrospectingIssuer();

/** A verifier that caches active answers for a minute, with the events it emits. */
function verifierFor(mode: 'always' | 'fallback') {
  const events: TokenwardEvent[] = [];
  const verifier = createAccessTokenVerifier({
    issuer: reference.server.issuer,
    audience: reference.server.audience,
    clock: manualClock().now,
    introspection: { mode, ...CLIENT, maxCacheAge: 60 },
    onEvent: (event) => events.push(event),
  } as AccessTokenVerifierOptions);
  return { verifier, events };
}

const opaque = () =>
  reference.server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] }, { format: 'opaque' });
const jwt = () => reference.server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] });

/**
 * `verify` refused as a server fault, asked twice (a malformed answer is never cached), with
 * exactly one `introspection_failed` event for each ask; the message of the first refusal.
 */
async function serverFault(
  { verifier, events }: ReturnType<typeof verifierFor>,
  token: string,
): Promise<string> {
  const before = reference.introspections();
  const refused = await rejectionOf(verifier.verify(token));
  expect(refused).toMatchObject({ code: 'ERR_INTROSPECTION_FAILED', status: 503 });
  expect(refused.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="api"', 'Retry-After': '30' });
  expect(refused.message).not.toContain(token);
  const failures = events.filter((event) => event.type === 'introspection_failed');
  expect(failures).toEqual([
    {
      type: 'introspection_failed',
      issuer: reference.server.issuer,
      url: reference.server.introspectionEndpoint,
      status: 200,
      message: refused.message,
    },
  ]);
  await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'ERR_INTROSPECTION_FAILED' });
  expect(reference.introspections()).toBe(before + 2);
  return refused.message;
}

/** The issuer's real answer about `token`, as JSON text. */
async function realAnswerText(token: string): Promise<string> {
  const response = await fetch(reference.server.introspectionEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${CLIENT.clientId}:${CLIENT.clientSecret}`)}` },
    body: new URLSearchParams({ token }),
  });
  const text = await response.text();
  expect(text.startsWith('{"active":true,')).toBe(true);
  return text;
}

describe('an active answer whose member has another type than RFC 7662 section 2.2 gives it is 503 (IN-2)', () => {
  const NUMERIC_DATE = 'a NumericDate \\(seconds, 0 to 8640000000000\\)';
  const malformed = [
    { member: 'exp', value: 'tomorrow', expected: NUMERIC_DATE, found: 'string' },
    { member: 'exp', value: -1, expected: NUMERIC_DATE, found: '-1' },
    { member: 'iat', value: '1700000000', expected: NUMERIC_DATE, found: 'string' },
    { member: 'nbf', value: true, expected: NUMERIC_DATE, found: 'boolean' },
    { member: 'scope', value: ['orders:read'], expected: 'a string', found: 'an array' },
    { member: 'aud', value: [7], expected: 'a string or string array', found: 'an array with other values' },
    { member: 'aud', value: { id: 'api://default' }, expected: 'a string or string array', found: 'object' },
    { member: 'sub', value: 42, expected: 'a non-empty string', found: 'number' },
    { member: 'iss', value: 1, expected: 'a non-empty string', found: 'number' },
    { member: 'client_id', value: '', expected: 'a non-empty string', found: 'an empty string' },
    { member: 'jti', value: 9, expected: 'a string', found: 'number' },
    { member: 'username', value: 9, expected: 'a string', found: 'number' },
    { member: 'token_type', value: 1, expected: 'a string', found: 'number' },
    { member: 'auth_time', value: 'recently', expected: NUMERIC_DATE, found: 'string' },
    { member: 'acr', value: 2, expected: 'a string', found: 'number' },
    { member: 'cnf', value: ['jkt'], expected: 'a JSON object', found: 'an array' },
  ];

  it.each(malformed)(
    'IN-2: an opaque token whose answer has $member $value is 503 naming the member, expected and found',
    async ({ member, value, expected, found }) => {
      const context = verifierFor('fallback');
      const token = await opaque();
      reference.server.reshapeIntrospection(token, { set: { [member]: value } });
      const message = await serverFault(context, token);
      expect(message).toMatch(
        new RegExp(
          `answered "active": true with a malformed "${member}": expected ${expected}; found ${found}$`,
        ),
      );
    },
  );

  it("IN-2, IN-8: mode 'always': a JWT whose issuer answers exp as a string is 503, not a 401 for the token", async () => {
    const context = verifierFor('always');
    const token = await jwt();
    reference.server.reshapeIntrospection(token, { set: { exp: 'soon' } });
    expect(await serverFault(context, token)).toMatch(/malformed "exp": .* found string$/);
  });

  it('IN-2: an inactive answer is read no further: junk beside active false is still 401 ERR_TOKEN_INACTIVE', async () => {
    const { verifier } = verifierFor('fallback');
    reference.issuer.setFault({
      server: 'default',
      endpoint: 'introspect',
      body: '{"active":false,"exp":"never","aud":7}',
    });
    await expect(verifier.verify(await opaque())).rejects.toMatchObject({
      code: 'ERR_TOKEN_INACTIVE',
      status: 401,
    });
  });
});

describe('an active answer whose cnf.jkt is no thumbprint is 503 (IN-2, IN-7)', () => {
  const JKT = "a non-empty string \\(the key's JWK thumbprint, RFC 9449 section 6\\.2\\)";
  const malformedJkt = [
    { jkt: 7, found: 'number' },
    { jkt: '', found: 'an empty string' },
    { jkt: ['NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'], found: 'an array' },
    { jkt: null, found: 'null, which is refused rather than read as absent' },
  ];

  it.each(malformedJkt)(
    'IN-2, IN-7: an opaque token whose answer has cnf.jkt $jkt is 503 naming cnf.jkt, not a verdict on the token',
    async ({ jkt, found }) => {
      const context = verifierFor('fallback');
      const token = await opaque();
      reference.server.reshapeIntrospection(token, { set: { cnf: { jkt } } });
      expect(await serverFault(context, token)).toMatch(
        new RegExp(`answered "active": true with a malformed "cnf\\.jkt": expected ${JKT}; found ${found}`),
      );
    },
  );

  it("IN-2, IN-7: mode 'always': a JWT whose issuer answers cnf.jkt as a number is 503, with or without token_type DPoP", async () => {
    for (const tokenType of ['DPoP', undefined]) {
      const context = verifierFor('always');
      const token = await jwt();
      reference.server.reshapeIntrospection(token, {
        omit: ['token_type'],
        set: { cnf: { jkt: 7 }, ...(tokenType === undefined ? {} : { token_type: tokenType }) },
      });
      expect(await serverFault(context, token)).toMatch(
        new RegExp(`malformed "cnf\\.jkt": expected ${JKT}; found number$`),
      );
    }
  });
});

describe('an active answer that contradicts itself is 503 (IN-2)', () => {
  const contradictions = [
    {
      name: 'scope and scp granting different scopes',
      set: { scope: 'orders:read orders:write', scp: ['orders:read'] },
      message:
        /answered "active": true with "scope" "orders:read orders:write" and "scp" \["orders:read"\], which grant different scopes; an answer must grant one set of scopes$/,
    },
    {
      name: 'cid and client_id naming different clients',
      set: { client_id: 'orders-app', cid: 'other-app' },
      message:
        /answered "active": true with "cid" "other-app" and "client_id" "orders-app", which name different clients; an answer must name one client$/,
    },
    {
      name: 'azp naming another client than client_id',
      set: { client_id: 'orders-app', azp: 'other-app' },
      message:
        /answered "active": true with "client_id" "orders-app" and "azp" "other-app", which name different clients; an answer must name one client$/,
    },
  ];

  it.each(contradictions)(
    'IN-2: an opaque token whose answer has $name is 503 naming both members and values',
    async ({ set, message }) => {
      const context = verifierFor('fallback');
      const token = await opaque();
      reference.server.reshapeIntrospection(token, { set });
      expect(await serverFault(context, token)).toMatch(message);
    },
  );

  it.each(contradictions)(
    "IN-2, IN-8: mode 'always': a JWT whose issuer answers $name is 503, not a 401 for the token",
    async ({ set, message }) => {
      const context = verifierFor('always');
      const token = await jwt();
      reference.server.reshapeIntrospection(token, { set });
      expect(await serverFault(context, token)).toMatch(message);
    },
  );

  it('IN-2: scope and scp granting the same scopes in another order or with repeats, and one client named thrice, agree, as in a JWT (AT-1)', async () => {
    const { verifier } = verifierFor('fallback');
    const token = await opaque();
    reference.server.reshapeIntrospection(token, {
      set: {
        scope: 'orders:write  orders:read orders:read',
        scp: ['orders:read', 'orders:write'],
        cid: 'test-app',
        client_id: 'test-app',
        azp: 'test-app',
      },
    });
    const result = await verifier.verify(token);
    expect([...result.scopes].sort()).toEqual(['orders:read', 'orders:write']);
    expect(result.clientId).toBe('test-app');
  });
});

describe('null is not absence: a member without a value is left out (IN-2)', () => {
  const NULL =
    /found null, which is refused rather than read as absent: a member without a value is left out \(RFC 7662 section 2\.2\)$/;

  it('IN-2: an opaque token whose answer has exp null is 503 saying null is refused, not read as absent', async () => {
    const context = verifierFor('fallback');
    const token = await opaque();
    reference.server.reshapeIntrospection(token, { set: { exp: null } });
    const message = await serverFault(context, token);
    expect(message).toMatch(/malformed "exp": expected a NumericDate/);
    expect(message).toMatch(NULL);
  });

  it.each(['exp', 'aud', 'sub', 'iss'])(
    "IN-2, IN-8: mode 'always': an answer with %s null is 503; the JWT stands in only for a member left out",
    async (member) => {
      const context = verifierFor('always');
      const token = await jwt();
      reference.server.reshapeIntrospection(token, { omit: 'all', set: { [member]: null } });
      expect(await serverFault(context, token)).toMatch(NULL);
      reference.server.reshapeIntrospection(token, { omit: 'all' });
      await expect(context.verifier.verify(token)).resolves.toMatchObject({ subject: 'alice' });
    },
  );
});

describe('an answer that names a member twice has two readings and is 503 (IN-2)', () => {
  const REPEATS =
    /answered JSON that repeats a member name; an answer must read the same to every parser \(RFC 8259 section 4\)$/;

  it('IN-2: {"active":false,"active":true,...}, active to JSON.parse and inactive to a first-wins parser, is 503', async () => {
    const context = verifierFor('fallback');
    const token = await opaque();
    const real = await realAnswerText(token);
    reference.issuer.setFault({
      server: 'default',
      endpoint: 'introspect',
      body: `{"active":false,${real.slice(1)}`,
    });
    expect(await serverFault(context, token)).toMatch(REPEATS);
  });

  it.each([
    { where: 'after active', edit: (real: string) => `${real.slice(0, -1)},"active":false}` },
    { where: 'spelled with an escape', edit: (real: string) => `${real.slice(0, -1)},"act\\u0069ve":false}` },
    {
      where: 'pretty-printed',
      edit: (real: string) => JSON.stringify(JSON.parse(real), null, 2).replace('{', '{\n  "active": false,'),
    },
    { where: 'in cnf', edit: (real: string) => `${real.slice(0, -1)},"cnf":{"jkt":"a","jkt":"b"}}` },
    { where: 'a scope', edit: (real: string) => `${real.slice(0, -1)},"scope":"orders:write"}` },
  ])('IN-2: a repeated member $where is 503', async ({ edit }) => {
    const context = verifierFor('fallback');
    const token = await opaque();
    const real = await realAnswerText(token);
    reference.issuer.setFault({ server: 'default', endpoint: 'introspect', body: edit(real) });
    expect(await serverFault(context, token)).toMatch(REPEATS);
  });
});
