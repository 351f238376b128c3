/**
 * A broad set of requests and calls that tokenward refuses, built against the reference issuer:
 * malformed, forged, expired, misaddressed and misissued tokens, ID-token binding failures,
 * configuration mistakes and an unreachable key set. The messages they produce are what users
 * read, so the tests in this folder hold every one of them to the rules for shipped text.
 */
import type { AuthServer, ReferenceIssuer } from '@tokenward/issuer';

/** A token an API is sent, and what a route asks of it. */
export interface TokenCase {
  readonly name: string;
  readonly token: string;
  /** Scopes the route requires (default: none). */
  readonly scopes?: readonly string[];
}

const segment = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The same token with one character of its signature changed. */
function tamperSignature(token: string): string {
  const last = token.at(-2) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -2)}${last}${token.at(-1)}`;
}

/** The same token with a claim changed after signing. */
function tamperPayload(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${header}.${segment({ ...claims, scp: ['admin'] })}.${signature}`;
}

/** Access tokens the `default` server's API must refuse, one failure each. */
export async function failingAccessTokens(issuer: ReferenceIssuer): Promise<TokenCase[]> {
  const own: AuthServer = issuer.server('default');
  const sibling = issuer.server('payments');
  const mint = (
    claims: Record<string, unknown> = {},
    options: Parameters<AuthServer['mintAccessToken']>[1] = {},
  ) => own.mintAccessToken({ sub: 'alice', scp: ['orders:read'], ...claims }, options);
  const valid = await mint();
  const [validHeader, validPayload] = valid.split('.');
  return [
    { name: 'not a JWT', token: 'not-a-token' },
    { name: 'two segments', token: `${validHeader}.${validPayload}` },
    { name: 'an encrypted token (five segments)', token: 'eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d' },
    { name: 'JSON instead of base64url', token: `{"alg":"RS256"}.${validPayload}.c2ln` },
    { name: 'an oversized token', token: `${validHeader}.${'A'.repeat(9000)}.c2ln` },
    {
      name: 'duplicate header members',
      token: `${Buffer.from('{"alg":"RS256","alg":"RS256"}').toString('base64url')}.${validPayload}.c2ln`,
    },
    { name: 'a header that is not an object', token: `${segment(['RS256'])}.${validPayload}.c2ln` },
    { name: 'alg none', token: await mint({}, { header: { alg: 'none' } }) },
    { name: 'alg HS256', token: await mint({}, { header: { alg: 'HS256' } }) },
    { name: 'alg written in lower case', token: await mint({}, { header: { alg: 'rs256' } }) },
    { name: 'crit', token: await mint({}, { header: { crit: ['x'], x: 1 } }) },
    { name: 'b64 false', token: await mint({}, { header: { b64: false, crit: ['b64'] } }) },
    { name: 'an encryption header', token: await mint({}, { header: { enc: 'A256GCM' } }) },
    { name: 'an unknown kid', token: await mint({}, { header: { kid: 'no-such-key' } }) },
    { name: 'an unpublished key', token: await mint({}, { signWith: 'unpublished' }) },
    { name: "the sibling server's key", token: await mint({}, { signWith: sibling }) },
    { name: 'a changed signature', token: tamperSignature(valid) },
    { name: 'a changed payload', token: tamperPayload(valid) },
    { name: 'expired', token: await mint({}, { expiresIn: -3600 }) },
    { name: 'not yet valid', token: await mint({}, { notBefore: 3600 }) },
    { name: 'exp of the wrong type', token: await mint({ exp: 'tomorrow' }) },
    { name: 'no exp', token: await mint({}, { omit: ['exp'] }) },
    { name: 'no sub', token: await mint({}, { omit: ['sub'] }) },
    { name: 'no aud', token: await mint({}, { omit: ['aud'] }) },
    { name: 'another audience', token: await mint({}, { audience: 'api://payments' }) },
    { name: 'a sibling server token', token: await sibling.mintAccessToken({ sub: 'alice' }) },
    { name: 'an org-server token', token: await issuer.orgServer.mintAccessToken({ sub: 'alice' }) },
    { name: 'an unknown issuer', token: await mint({ iss: 'https://evil.example/oauth2/default' }) },
    { name: 'an ID token', token: await own.mintIdToken({ nonce: 'n-1' }) },
    { name: 'a foreign typ', token: await mint({}, { typ: 'secevent+jwt' }) },
    { name: 'no client id', token: await mint({}, { omit: ['cid'] }) },
    { name: 'a missing scope', token: valid, scopes: ['orders:write'] },
  ];
}

/** ID tokens of the `default` server for `spa-client`, with what `verify` is given. */
export interface IdTokenCase {
  readonly name: string;
  readonly token: string;
  readonly options: { nonce?: string; accessToken?: string; maxAge?: number; acrValues?: string[] };
}

export async function failingIdTokens(issuer: ReferenceIssuer): Promise<IdTokenCase[]> {
  const own = issuer.server('default');
  const accessToken = await own.mintAccessToken({ sub: 'alice' });
  const otherAccessToken = await own.mintAccessToken({ sub: 'bob' });
  const mint = (
    claims: Record<string, unknown> = {},
    options: Parameters<AuthServer['mintIdToken']>[1] = {},
  ) => own.mintIdToken({ nonce: 'n-1', ...claims }, { clientId: 'spa-client', ...options });
  return [
    { name: 'another nonce', token: await mint(), options: { nonce: 'n-2' } },
    { name: 'no nonce claim', token: await mint({}, { omit: ['nonce'] }), options: { nonce: 'n-1' } },
    { name: 'a nonce nobody expected', token: await mint(), options: {} },
    {
      name: 'an at_hash of another access token',
      token: await mint({}, { accessToken }),
      options: { nonce: 'n-1', accessToken: otherAccessToken },
    },
    {
      name: 'an old sign-in',
      token: await mint({ auth_time: Math.floor(Date.now() / 1000) - 7200 }),
      options: { nonce: 'n-1', maxAge: 60 },
    },
    { name: 'another acr', token: await mint({ acr: 'pwd' }), options: { nonce: 'n-1', acrValues: ['mfa'] } },
    { name: 'no acr', token: await mint(), options: { nonce: 'n-1', acrValues: ['mfa'] } },
    {
      name: 'several audiences and no azp',
      token: await mint({}, { audience: ['spa-client', 'other-client'] }),
      options: { nonce: 'n-1' },
    },
    {
      name: 'an azp of another client',
      token: await mint({ azp: 'other-client' }),
      options: { nonce: 'n-1' },
    },
    {
      name: 'another client',
      token: await mint({}, { clientId: 'other-client' }),
      options: { nonce: 'n-1' },
    },
    { name: 'a sub too long', token: await mint({ sub: 'x'.repeat(300) }), options: { nonce: 'n-1' } },
    { name: 'an access token', token: accessToken, options: {} },
    { name: 'expired', token: await mint({}, { expiresIn: -3600 }), options: { nonce: 'n-1' } },
  ];
}

/** Options a verifier must refuse at construction, each with one mistake. */
export function misconfigurations(
  issuer: ReferenceIssuer,
): Array<{ name: string; options: Record<string, unknown> }> {
  const own = issuer.server('default');
  const base = { issuer: own.issuer, audience: own.audience };
  return [
    { name: 'no audience', options: { issuer: own.issuer } },
    { name: 'no issuer', options: { audience: own.audience } },
    { name: 'an org-server issuer', options: { ...base, issuer: issuer.orgServer.issuer } },
    {
      name: 'an http issuer off loopback',
      options: { ...base, issuer: 'http://acme.example/oauth2/default' },
    },
    { name: 'an issuer with a query', options: { ...base, issuer: `${own.issuer}?x=1` } },
    { name: 'an issuer that is not a URL', options: { ...base, issuer: 'acme' } },
    { name: 'alg none allowed', options: { ...base, algorithms: ['none'] } },
    { name: 'HS256 allowed', options: { ...base, algorithms: ['HS256'] } },
    { name: 'an unknown algorithm', options: { ...base, algorithms: ['RS999'] } },
    { name: 'a clock tolerance out of range', options: { ...base, clockTolerance: 3600 } },
    { name: 'a realm with a quote', options: { ...base, realm: 'a"b' } },
    { name: 'an unknown option', options: { ...base, audiences: ['x'] } },
    { name: 'a token size out of range', options: { ...base, maxTokenSize: 10 } },
  ];
}
