import { describe, expect, it } from 'vitest';
import { describeIssuer } from '../../src/lib/issuer-kind.js';
import { decodeUntrusted } from '../../src/lib/jwt-decode.js';
import { findProblems } from '../../src/lib/token-findings.js';
import { guessTokenKind } from '../../src/lib/token-kind.js';

const NOW = 1_800_000_000;
const ISSUER = 'https://acme.okta.com/oauth2/default';
const ACCESS = {
  iss: ISSUER,
  sub: 'alice',
  aud: 'api://default',
  cid: '0oa1',
  scp: ['orders:read'],
  iat: NOW - 60,
  exp: NOW + 3600,
};

function findings(
  payload: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'RS256', kid: 'k1' },
  flags: { algorithms?: readonly string[]; orgServerRules?: boolean } = {},
) {
  return findProblems({
    header,
    payload,
    issuer: describeIssuer(payload.iss),
    kind: guessTokenKind(header, payload),
    now: NOW,
    clockTolerance: 30,
    algorithms: flags.algorithms,
    orgServerRules: flags.orgServerRules ?? true,
  });
}

const failing = (list: ReturnType<typeof findings>) =>
  list.filter((finding) => finding.severity === 'fail').map((finding) => [finding.check, finding.code]);

describe('findProblems', () => {
  it('finds nothing that fails in a well-formed access token of a custom server', () => {
    expect(failing(findings(ACCESS))).toEqual([]);
  });

  it('says how long ago a token expired (JOSE-15), and warns inside the clock tolerance', () => {
    const expired = findings({ ...ACCESS, exp: NOW - 3725 });
    expect(expired.find((finding) => finding.check === 'exp')).toMatchObject({
      severity: 'fail',
      code: 'ERR_TOKEN_EXPIRED',
      message: expect.stringMatching(/^expired 1 h 2 min ago/),
    });
    expect(findings({ ...ACCESS, exp: NOW - 10 }).find((finding) => finding.check === 'exp')?.severity).toBe(
      'warn',
    );
  });

  it('flags nbf and iat in the future beyond the tolerance', () => {
    expect(failing(findings({ ...ACCESS, nbf: NOW + 600 }))).toEqual([['nbf', 'ERR_TOKEN_NOT_YET_VALID']]);
    expect(failing(findings({ ...ACCESS, iat: NOW + 600 }))).toEqual([['iat', 'ERR_TOKEN_NOT_YET_VALID']]);
    expect(failing(findings({ ...ACCESS, nbf: NOW + 20 }))).toEqual([]);
  });

  it('flags a missing exp, sub or aud (AT-1)', () => {
    const { exp: _exp, sub: _sub, aud: _aud, ...rest } = ACCESS;
    expect(failing(findings(rest))).toEqual([
      ['exp', 'ERR_CLAIM_MISSING'],
      ['sub', 'ERR_CLAIM_MISSING'],
      ['aud', 'ERR_CLAIM_MISSING'],
    ]);
  });

  it('flags ID tokens by nonce/at_hash/c_hash (OK-2, AT-10)', () => {
    for (const claim of ['nonce', 'at_hash', 'c_hash']) {
      expect(failing(findings({ ...ACCESS, [claim]: 'x' }))).toEqual([['type', 'ERR_TYPE_INVALID']]);
    }
  });

  it('flags a root-path access token but not a root-path ID token as an issuer problem (OK-1)', () => {
    const org = findings({ ...ACCESS, iss: 'https://acme.okta.com', aud: 'https://acme.okta.com' });
    expect(failing(org)).toEqual([['iss', 'ERR_ORG_SERVER_TOKEN']]);
    const message = org.find((finding) => finding.check === 'iss')?.message;
    expect(message).toContain('https://acme.okta.com/oauth2/default');
    expect(message).toContain('--no-org-server-rules');
    const idToken = { iss: 'https://acme.okta.com', sub: '00u1', aud: '0oa1spa', exp: NOW + 600, nonce: 'n' };
    expect(failing(findings(idToken))).toEqual([['type', 'ERR_TYPE_INVALID']]);
  });

  it('with --no-org-server-rules, takes a root-path issuer for another vendor: no org-server or client-id finding', () => {
    const generic = {
      iss: 'https://id.example.com',
      sub: 'svc',
      aud: 'https://api.example.com',
      exp: NOW + 600,
    };
    expect(
      failing(
        findings(generic, { alg: 'ES256', kid: 'k' }, { algorithms: ['ES256'], orgServerRules: false }),
      ),
    ).toEqual([]);
    expect(failing(findings(generic, { alg: 'ES256', kid: 'k' }))).toEqual([
      ['client id', 'ERR_TYPE_INVALID'],
      ['iss', 'ERR_ORG_SERVER_TOKEN'],
    ]);
  });

  it('flags NumericDates beyond any date (exp 1e20) as invalid claims, without throwing', () => {
    expect(failing(findings({ ...ACCESS, exp: 1e20 }))).toEqual([['exp', 'ERR_CLAIM_INVALID']]);
    expect(failing(findings({ ...ACCESS, nbf: 1e13, iat: -1e300 }))).toEqual([
      ['nbf', 'ERR_CLAIM_INVALID'],
      ['iat', 'ERR_CLAIM_INVALID'],
    ]);
    expect(findings({ ...ACCESS, exp: 1e20 }).find((finding) => finding.check === 'exp')?.message).toBe(
      'exp 100000000000000000000 is beyond any date (the last is in the year 275760)',
    );
  });

  it('flags scp that is not an array and scope that is not a string, and notes both or neither', () => {
    expect(failing(findings({ ...ACCESS, scp: 'orders:read' }))).toEqual([['scp', 'ERR_CLAIM_INVALID']]);
    expect(failing(findings({ ...ACCESS, scp: undefined, scope: ['orders:read'] }))).toEqual([
      ['scope', 'ERR_CLAIM_INVALID'],
    ]);
    const both = findings({ ...ACCESS, scope: 'orders:read' });
    expect(both.find((finding) => finding.check === 'scopes')?.message).toContain('both scp and scope');
    const neither = findings({ ...ACCESS, scp: undefined });
    expect(neither.find((finding) => finding.check === 'scopes')?.message).toContain('no scopes');
  });

  it('flags alg none and HS* as never accepted (JOSE-14, BCP-3), and other algorithms as configurable', () => {
    expect(failing(findings(ACCESS, { alg: 'none' }))).toEqual([['alg', 'ERR_ALG_NOT_ALLOWED']]);
    expect(failing(findings(ACCESS, { alg: 'HS256', kid: 'k' }))).toEqual([['alg', 'ERR_ALG_NOT_ALLOWED']]);
    const es256 = findings(ACCESS, { alg: 'ES256', kid: 'k' }).find((finding) => finding.check === 'alg');
    expect(es256).toMatchObject({ severity: 'warn', message: expect.stringContaining('--alg ES256') });
    expect(failing(findings(ACCESS, { alg: 'ES256', kid: 'k' }, { algorithms: ['ES256'] }))).toEqual([]);
    expect(failing(findings(ACCESS, { alg: 'RS256', kid: 'k' }, { algorithms: ['ES256'] }))).toEqual([
      ['alg', 'ERR_ALG_NOT_ALLOWED'],
    ]);
  });

  it('flags crit (JOSE-5), a non-access typ (BCP-12) and a missing client id on vendor servers', () => {
    expect(failing(findings(ACCESS, { alg: 'RS256', kid: 'k', crit: ['exp'] }))).toEqual([
      ['crit', 'ERR_CRIT_UNSUPPORTED'],
    ]);
    expect(failing(findings(ACCESS, { alg: 'RS256', kid: 'k', typ: 'dpop+jwt' }))).toEqual([
      ['typ', 'ERR_TYPE_INVALID'],
    ]);
    expect(failing(findings({ ...ACCESS, cid: undefined }))).toEqual([['client id', 'ERR_TYPE_INVALID']]);
    expect(
      failing(findings({ ...ACCESS, cid: undefined }, { alg: 'RS256', kid: 'k', typ: 'at+jwt' })),
    ).toEqual([]);
  });
});

describe('guessTokenKind', () => {
  it('reads access tokens from cid/scp or at+jwt, ID tokens from their claims or a client-id aud', () => {
    expect(guessTokenKind({}, ACCESS).kind).toBe('access');
    expect(guessTokenKind({ typ: 'at+jwt' }, { aud: 'x' }).kind).toBe('access');
    expect(guessTokenKind({}, { aud: '0oa1spa', sub: 'u' }).kind).toBe('id');
    expect(guessTokenKind({}, { aud: 'api://default', sub: 'u' }).kind).toBe('unknown');
  });
});

describe('decodeUntrusted', () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('decodes header and payload without checking the signature', () => {
    const decoded = decodeUntrusted(`${encode({ alg: 'RS256' })}.${encode({ sub: 'a' })}.c2ln`);
    expect(decoded).toEqual({ ok: true, header: { alg: 'RS256' }, payload: { sub: 'a' }, signatureBytes: 3 });
  });

  it('explains what it cannot read (JOSE-10, BCP-14)', () => {
    expect(decodeUntrusted('a.b.c.d.e')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('encrypted JWT'),
    });
    expect(decodeUntrusted('opaque')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('3 dot-separated'),
    });
    expect(decodeUntrusted(`{"alg":"none"}.${encode({})}.`)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('base64url'),
    });
    expect(decodeUntrusted(`${encode([1])}.${encode({})}.`)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('header'),
    });
  });
});

describe('describeIssuer', () => {
  const ORG = 'https://acme.okta.com';
  const vendorMetadata = {
    issuer: ORG,
    jwks_uri: `${ORG}/oauth2/v1/keys`,
    token_endpoint: `${ORG}/oauth2/v1/token`,
  };

  it('calls a root-path issuer the org server only when its metadata has the vendor shape', () => {
    expect(describeIssuer(ORG, vendorMetadata)).toMatchObject({ kind: 'org', origin: ORG });
    expect(
      describeIssuer(ORG, { issuer: ORG, jwks_uri: `${ORG}/keys`, scopes_supported: ['okta.users.read'] })
        .kind,
    ).toBe('org');
    const generic = describeIssuer('https://id.example.com', {
      issuer: 'https://id.example.com',
      jwks_uri: 'https://id.example.com/jwks',
      token_endpoint: 'https://id.example.com/token',
    });
    expect(generic).toMatchObject({ kind: 'root', summary: expect.stringMatching(/^a root-path issuer/) });
    expect(generic.summary).toContain('--no-org-server-rules');
    // Endpoints under /oauth2/v1/ on another origin say nothing about this issuer.
    expect(
      describeIssuer(ORG, { issuer: ORG, jwks_uri: 'https://keys.example.com/oauth2/v1/keys' }).kind,
    ).toBe('root');
    const unknown = describeIssuer(ORG);
    expect(unknown).toMatchObject({ kind: 'root', summary: expect.stringMatching(/^a root-path issuer/) });
    expect(unknown.summary).not.toContain('the org authorization server of');
  });

  it('classifies custom, default custom and other issuers with core parseIssuer', () => {
    expect(describeIssuer(ISSUER)).toMatchObject({ kind: 'custom', id: 'default', isDefault: true });
    expect(describeIssuer('https://acme.okta.com/oauth2/aus9o8wzkhckw9TLa0h7z')).toMatchObject({
      kind: 'custom',
      isDefault: false,
    });
    expect(describeIssuer('https://auth.example.com/realms/x')).toMatchObject({ kind: 'other' });
    expect(describeIssuer('https://acme.okta.com/?q=1').kind).toBe('invalid');
    expect(describeIssuer(undefined).kind).toBe('invalid');
  });
});
