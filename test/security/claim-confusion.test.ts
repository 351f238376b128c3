/**
 * Claims that make one token mean two things, or another kind of token pass for an access token
 * or an ID token: two client ids (`cid`, `client_id`, `azp`), the `events` claim of security event
 * and logout tokens, and NumericDates that JSON.parse reads as infinities. Each row against a real
 * verifier (of each entry for access tokens), with keys and metadata served by the lab over
 * loopback HTTP.
 */
import { createIdTokenVerifier, createAccessTokenVerifier as createNodeVerifier } from '@tokenward/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier as createWebVerifier } from '../../packages/core/src/index.js';
import { idClaims } from './cases/id-tokens.js';
import { caseTitle, createForge, type Forge, type TokenCase } from './forge.js';
import { AUDIENCE, b64, CLIENT_ID, json, LabServer, labKey } from './lab.js';

const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** A valid token whose `claim` is the raw JSON `text` (for values JSON.stringify cannot write). */
const withRawClaim =
  (claim: string, text: string): TokenCase['token'] =>
  (forge: Forge) => {
    const claims = forge.claims({ [claim]: undefined });
    return forge.signRaw(
      json(forge.header()),
      b64(`${JSON.stringify(claims).slice(0, -1)},"${claim}":${text}}`),
    );
  };

const ROWS: readonly TokenCase[] = [
  {
    name: '"cid" and "client_id" name different clients',
    rfc: 'RFC 9068 §2.2, RFC 8725 §2.8',
    req: 'AT-1, BCP-12',
    expect: 'ERR_CLAIM_INVALID',
    token: (forge) => forge.withClaims({ client_id: 'another-client' }),
  },
  {
    name: '"cid" and "client_id" name the same client (control)',
    rfc: 'RFC 9068 §2.2',
    req: 'AT-1',
    expect: 'accepted',
    token: (forge) => forge.withClaims({ client_id: CLIENT_ID }),
  },
  {
    name: '"azp" names another client than "cid"',
    rfc: 'RFC 9068 §2.2, OIDC Core §2, RFC 8725 §2.8',
    req: 'AT-1, BCP-12',
    expect: 'ERR_CLAIM_INVALID',
    token: (forge) => forge.withClaims({ azp: 'another-client' }),
  },
  {
    name: '"azp" names another client than "client_id"',
    rfc: 'RFC 9068 §2.2, OIDC Core §2, RFC 8725 §2.8',
    req: 'AT-1, BCP-12',
    expect: 'ERR_CLAIM_INVALID',
    token: (forge) => forge.withClaims({ cid: undefined, client_id: CLIENT_ID, azp: 'another-client' }),
  },
  {
    name: '"azp" names the client of "cid" (control)',
    rfc: 'RFC 9068 §2.2',
    req: 'AT-1',
    expect: 'accepted',
    token: (forge) => forge.withClaims({ azp: CLIENT_ID }),
  },
  {
    name: 'an untyped logout token (events claim) naming this API and a client',
    rfc: 'RFC 8417 §4.5.2, OIDC Back-Channel Logout §2.4, RFC 8725 §3.12',
    req: 'BCP-12, AT-10',
    expect: 'ERR_TYPE_INVALID',
    token: (forge) => forge.withClaims({ events: { [LOGOUT_EVENT]: {} }, sid: 'session-1', scp: undefined }),
  },
  {
    name: 'a security event token typed JWT, its events an empty object',
    rfc: 'RFC 8417 §2.2, §4.5.2',
    req: 'BCP-12',
    expect: 'ERR_TYPE_INVALID',
    token: (forge) => forge.sign(forge.header({ typ: 'JWT' }), forge.claims({ events: {} })),
  },
  ...(
    [
      ['exp', '1e400'],
      ['nbf', '-1e400'],
      ['iat', '-1e400'],
      ['nbf', '1e400'],
    ] as const
  ).map(
    ([claim, text]): TokenCase => ({
      name: `"${claim}" written ${text}, which JSON.parse reads as ${text.startsWith('-') ? '-' : ''}Infinity`,
      rfc: 'RFC 7519 §2, §4.1',
      req: 'JOSE-15',
      expect: 'ERR_CLAIM_INVALID',
      token: withRawClaim(claim, text),
    }),
  ),
  {
    name: '"exp" with a fraction of a second (control: NumericDate may be non-integer)',
    rfc: 'RFC 7519 §2',
    req: 'JOSE-15',
    expect: 'accepted',
    token: (forge) => forge.withClaims({ exp: forge.now + 300.5 }),
  },
];

let lab: LabServer;
let forge: Forge;

beforeAll(async () => {
  const key = labKey('k1', 'RS256');
  lab = await LabServer.start([key]);
  forge = createForge(lab.issuer, key, labKey('rogue', 'RS256'));
});
afterAll(() => lab.close());

describe.each([
  ['Node entry', createNodeVerifier],
  ['web entry', createWebVerifier],
] as const)('claim confusion, %s', (_entry, create) => {
  it.each(ROWS.map((row) => [caseTitle(row), row] as const))('%s', async (_title, row) => {
    const verifier = create({ issuer: lab.issuer, audience: AUDIENCE });
    const outcome = await verifier.verify(row.token(forge)).then(
      () => 'accepted',
      (error: { code: string; status: number }) => {
        expect(error.status).toBe(401);
        return error.code;
      },
    );
    expect(outcome).toBe(row.expect);
  });
});

describe('a logout token presented as an ID token', () => {
  it('[BCP-12, IDT-8] OIDC Back-Channel Logout section 2.4, RFC 8725 section 3.12: untyped, to a call without nonce -> ERR_TYPE_INVALID', async () => {
    const verifier = createIdTokenVerifier({ issuer: lab.issuer, clientId: CLIENT_ID });
    // What the issuer sends the client's back-channel endpoint: an ID token's claims, no nonce.
    const logoutClaims = idClaims(forge, {
      nonce: undefined,
      at_hash: undefined,
      c_hash: undefined,
      sid: 'session-1',
      jti: 'logout-1',
      events: { [LOGOUT_EVENT]: {} },
    });
    const signIn = idClaims(forge, { nonce: undefined, at_hash: undefined, c_hash: undefined });
    const outcome = (claims: Record<string, unknown>) =>
      verifier.verify(forge.sign(forge.header(), claims)).then(
        () => 'accepted',
        (error: { code: string }) => error.code,
      );
    expect(await outcome(signIn)).toBe('accepted');
    expect(await outcome(logoutClaims)).toBe('ERR_TYPE_INVALID');
  });
});
