/** Attacks on the claims: times, identities, issuer, audience, token type, scopes and the signature. */
import type { TokenCase } from '../forge.js';
import { AUDIENCE, b64, CLIENT_ID } from '../lab.js';

const row = (
  rfc: string,
  req: string,
  expect: TokenCase['expect'],
  name: string,
  token: TokenCase['token'],
  extra: Partial<TokenCase> = {},
): TokenCase => ({ name, rfc, req, expect, token, ...extra });

const DAY = 86_400;

/** NumericDate values and time windows (RFC 7519 §2, §4.1.4-6; RFC 9068 §2.2). */
const time: TokenCase[] = [
  ...(['exp', 'nbf', 'iat'] as const).flatMap((claim) =>
    [1e20, -1, '1700000000', null, true, [1], 8_640_000_000_001, Number.MAX_SAFE_INTEGER + 2].map((value) =>
      row(
        'RFC 7519 §2, §4.1',
        'JOSE-15',
        'ERR_CLAIM_INVALID',
        `"${claim}" is ${JSON.stringify(value)}`,
        (forge) => forge.withClaims({ [claim]: value }),
      ),
    ),
  ),
  row('RFC 7519 §4.1.4', 'JOSE-15, AT-7', 'ERR_CLAIM_MISSING', 'no "exp"', (forge) =>
    forge.withClaims({ exp: undefined }),
  ),
  row('RFC 9068 §2.2', 'AT-1', 'ERR_CLAIM_MISSING', 'no "iat" from a custom authorization server', (forge) =>
    forge.withClaims({ iat: undefined }),
  ),
  row('RFC 7519 §4.1.4', 'JOSE-15, AT-7', 'ERR_TOKEN_EXPIRED', 'expired 31 s ago (tolerance 30 s)', (forge) =>
    forge.withClaims({ exp: forge.now - 31, iat: forge.now - 600 }),
  ),
  row('RFC 7519 §4.1.4', 'JOSE-15, AT-7', 'ERR_TOKEN_EXPIRED', 'expired in 1970', (forge) =>
    forge.withClaims({ exp: 1, iat: 0 }),
  ),
  row('RFC 7519 §4.1.4', 'JOSE-15', 'accepted', 'expired 20 s ago, inside the 30 s tolerance', (forge) =>
    forge.withClaims({ exp: forge.now - 20, iat: forge.now - 600 }),
  ),
  row('RFC 7519 §4.1.5', 'JOSE-15', 'ERR_TOKEN_NOT_YET_VALID', '"nbf" an hour ahead', (forge) =>
    forge.withClaims({ nbf: forge.now + 3600, exp: forge.now + 7200 }),
  ),
  row('RFC 7519 §4.1.6', 'JOSE-15, IDT-7', 'ERR_TOKEN_NOT_YET_VALID', '"iat" an hour ahead', (forge) =>
    forge.withClaims({ iat: forge.now + 3600, exp: forge.now + 7200 }),
  ),
  row(
    'RFC 7519 §4.1.4, RFC 8725 §3.12',
    'OK-7',
    'ERR_CLAIM_INVALID',
    'lives 10 years from "iat" to "exp" (maxTokenLifetime 24 h)',
    (forge) => forge.withClaims({ exp: forge.now + 3650 * DAY }),
  ),
  row('RFC 7519 §4.1.4', 'OK-7', 'ERR_CLAIM_INVALID', 'lives 24 h + 1 s', (forge) =>
    forge.withClaims({ exp: forge.now + DAY + 1 }),
  ),
  row('RFC 7519 §4.1.4', 'OK-7', 'accepted', 'lives exactly 24 h', (forge) =>
    forge.withClaims({ exp: forge.now + DAY }),
  ),
  row(
    'RFC 7519 §4.1.4',
    'OK-7',
    'ERR_CLAIM_INVALID',
    'lives 2 h under maxTokenLifetime 1 h',
    (forge) => forge.withClaims({ exp: forge.now + 7200 }),
    {
      options: { maxTokenLifetime: 3600 },
    },
  ),
  row(
    'RFC 7519 §4.1.6',
    'IDT-7',
    'ERR_TOKEN_EXPIRED',
    'issued 2 h ago under maxTokenAge 1 h',
    (forge) => forge.withClaims({ iat: forge.now - 7200, exp: forge.now + 300 }),
    { options: { maxTokenAge: 3600 } },
  ),
];

/** Identity claims are non-empty strings, and scopes say one thing (RFC 9068 §2.2). */
const identity: TokenCase[] = [
  ...(['sub', 'cid', 'client_id', 'azp'] as const).flatMap((claim) =>
    ['', 42, ['alice'], null].map((value) =>
      row(
        'RFC 9068 §2.2, RFC 7519 §4.1.2',
        'AT-1',
        'ERR_CLAIM_INVALID',
        `"${claim}" is ${JSON.stringify(value)}`,
        (forge) => forge.withClaims({ [claim]: value }),
      ),
    ),
  ),
  row('RFC 9068 §2.2', 'AT-1', 'ERR_CLAIM_MISSING', 'no "sub"', (forge) =>
    forge.withClaims({ sub: undefined }),
  ),
  row('RFC 9068 §2.2', 'AT-1', 'ERR_CLAIM_INVALID', '"scp" and "scope" grant different scopes', (forge) =>
    forge.withClaims({ scp: ['orders:read'], scope: 'orders:read admin' }),
  ),
  row(
    'RFC 9068 §2.2.3',
    'AT-1',
    'accepted',
    '"scp" and "scope" grant the same scopes in another order',
    (forge) => forge.withClaims({ scp: ['orders:read', 'profile'], scope: 'profile orders:read' }),
  ),
  row('RFC 9068 §2.2.3', 'AT-1', 'ERR_CLAIM_INVALID', '"scp" is a space-separated string', (forge) =>
    forge.withClaims({ scp: 'orders:read admin' }),
  ),
  row('RFC 9068 §2.2.3', 'AT-1', 'ERR_CLAIM_INVALID', '"scope" is an array', (forge) =>
    forge.withClaims({ scp: undefined, scope: ['admin'] }),
  ),
  row('RFC 9068 §2.2.3', 'AT-1', 'ERR_CLAIM_INVALID', '"scp" holds a number', (forge) =>
    forge.withClaims({ scp: ['orders:read', 1] }),
  ),
  row('RFC 9068 §2.2.3', 'AT-1', 'ERR_CLAIM_INVALID', '"jti" is a number', (forge) =>
    forge.withClaims({ jti: 7 }),
  ),
];

/** Exact issuer match, and keys only from the issuer named (RFC 9068 §4, RFC 8725 §3.8). */
const issuer: TokenCase[] = [
  ...[
    ['with a trailing slash', (iss: string) => `${iss}/`],
    ['in upper case', (iss: string) => iss.toUpperCase()],
    ['with a different port', (iss: string) => iss.replace(/:(\d+)/, (_m, port) => `:${Number(port) + 1}`)],
    ['as https', (iss: string) => iss.replace('http:', 'https:')],
    ['with "/." in its path', (iss: string) => iss.replace('/oauth2/', '/./oauth2/')],
    ['percent-encoded', (iss: string) => iss.replace('default', '%64efault')],
    ['with a query', (iss: string) => `${iss}?x=1`],
    ['with a fragment', (iss: string) => `${iss}#x`],
    ['with a trailing space', (iss: string) => `${iss} `],
    ['with a Cyrillic look-alike letter', (iss: string) => iss.replace('default', 'dеfault')],
    ['of a sibling custom server', (iss: string) => iss.replace('/default', '/payments')],
    ['of another host', () => 'https://attacker.example/oauth2/default'],
  ].map(([what, change]) =>
    row(
      'RFC 9068 §4, RFC 8414 §3.3',
      'AT-4, BCP-8',
      'ERR_ISSUER_MISMATCH',
      `"iss" ${what as string}`,
      (forge) => forge.withClaims({ iss: (change as (iss: string) => string)(forge.issuer) }),
    ),
  ),
  row('RFC 9068 §4', 'OK-1', 'ERR_ORG_SERVER_TOKEN', '"iss" of the org server on the same host', (forge) =>
    forge.withClaims({ iss: new URL(forge.issuer).origin }),
  ),
  row('RFC 9068 §4', 'AT-4', 'ERR_CLAIM_MISSING', 'no "iss"', (forge) =>
    forge.withClaims({ iss: undefined }),
  ),
  ...['', 42, [null], null].map((value) =>
    row('RFC 7519 §4.1.1', 'AT-4', 'ERR_CLAIM_INVALID', `"iss" is ${JSON.stringify(value)}`, (forge) =>
      forge.withClaims({ iss: value }),
    ),
  ),
  row('RFC 9068 §4', 'AT-4', 'ERR_CLAIM_INVALID', '"iss" is an array holding the issuer', (forge) =>
    forge.withClaims({ iss: [forge.issuer] }),
  ),
];

/** The audience must name this API (RFC 9068 §4, RFC 8725 §3.9). */
const audience: TokenCase[] = [
  ...[
    ['another API', 'api://payments'],
    ['this API in upper case', AUDIENCE.toUpperCase()],
    ['this API with a trailing slash', `${AUDIENCE}/`],
    ['an empty string', ''],
    ['an empty list', []],
    ['a list of other APIs', ['api://a', 'api://b']],
    ["the client id (an ID token's audience)", CLIENT_ID],
  ].map(([what, aud]) =>
    row(
      'RFC 9068 §4, RFC 8725 §3.9',
      'AT-5, BCP-9',
      'ERR_AUDIENCE_MISMATCH',
      `"aud" is ${what as string}`,
      (forge) => forge.withClaims({ aud }),
    ),
  ),
  row('RFC 8725 §3.9', 'BCP-9', 'ERR_CLAIM_MISSING', 'no "aud"', (forge) =>
    forge.withClaims({ aud: undefined }),
  ),
  ...[42, null, { aud: AUDIENCE }, [AUDIENCE, 1]].map((aud) =>
    row('RFC 7519 §4.1.3', 'BCP-9', 'ERR_CLAIM_INVALID', `"aud" is ${JSON.stringify(aud)}`, (forge) =>
      forge.withClaims({ aud }),
    ),
  ),
  row('RFC 7519 §4.1.3', 'AT-5', 'accepted', '"aud" is a list holding this API', (forge) =>
    forge.withClaims({ aud: ['api://other', AUDIENCE] }),
  ),
];

/** Only access tokens reach an API (RFC 9068 §4, RFC 8725 §3.11-3.12). */
const type: TokenCase[] = [
  ...['dpop+jwt', 'logout+jwt', 'secevent+jwt', 'id_token', 'JOSE', 'at+jwt; q=1', ''].map((typ) =>
    row(
      'RFC 9068 §4, RFC 8725 §3.11',
      'AT-2, BCP-11',
      'ERR_TYPE_INVALID',
      `header typ ${JSON.stringify(typ)}`,
      (forge) => forge.withHeader({ typ }),
    ),
  ),
  ...['at+jwt', 'application/at+JWT', 'JWT'].map((typ) =>
    row('RFC 9068 §4', 'AT-2', 'accepted', `header typ ${JSON.stringify(typ)}`, (forge) =>
      forge.withHeader({ typ }),
    ),
  ),
  row(
    'RFC 9068 §4',
    'AT-2',
    'ERR_TYPE_INVALID',
    'no typ when typ "at+jwt" is required',
    (forge) => forge.withClaims({}),
    { options: { typ: 'at+jwt' } },
  ),
  ...['nonce', 'at_hash', 'c_hash'].map((claim) =>
    row(
      'RFC 8725 §3.12, OIDC Core §2',
      'BCP-12, AT-10',
      'ERR_TYPE_INVALID',
      `an ID token (carries "${claim}") sent to the API`,
      (forge) => forge.withClaims({ [claim]: 'abc', cid: undefined, aud: CLIENT_ID }),
    ),
  ),
  row(
    'RFC 8725 §3.12',
    'OK-2, AT-10',
    'ERR_TYPE_INVALID',
    'an ID token without nonce (no client id) sent to the API',
    (forge) => forge.withClaims({ cid: undefined, scp: undefined, aud: CLIENT_ID }),
  ),
];

/** Scopes are compared exactly (RFC 6749 §3.3, RFC 6750 §3.1). */
const scope: TokenCase[] = [
  ...[
    ['a scope that differs in case', ['Orders:Read']],
    ['a prefix of the needed scope', ['orders']],
    ['a wildcard', ['*']],
    ['the needed scope with a trailing space', ['orders:read ']],
    ['the needed scope joined with another in one entry', ['orders:read orders:write']],
  ].map(([what, scp]) =>
    row(
      'RFC 6749 §3.3, RFC 6750 §3.1',
      'AT-1, BT-7',
      'ERR_INSUFFICIENT_SCOPE',
      `token has ${what as string}`,
      (forge) => forge.withClaims({ scp }),
      {
        call: { scopes: ['orders:read'] },
      },
    ),
  ),
  row(
    'RFC 6750 §3.1',
    'BT-7',
    'ERR_INSUFFICIENT_SCOPE',
    '"scope" string lacking the scope by one character',
    (forge) => forge.withClaims({ scp: undefined, scope: 'orders:rea' }),
    { call: { scopes: ['orders:read'] } },
  ),
];

/** The signature covers exactly the signing input (RFC 7515 §5.2). */
const signatureRows: TokenCase[] = [
  row('RFC 7515 §5.2', 'BCP-4', 'ERR_SIGNATURE_INVALID', 'one claim changed after signing', (forge) => {
    const [header, , sig] = forge.withClaims({}).split('.');
    return `${header}.${b64(JSON.stringify(forge.claims({ sub: 'admin' })))}.${sig}`;
  }),
  row('RFC 7515 §5.2', 'BCP-4', 'ERR_SIGNATURE_INVALID', 'signature of another token', (forge) => {
    const [header, payload] = forge.withClaims({}).split('.');
    return `${header}.${payload}.${forge.withClaims({ sub: 'bob' }).split('.')[2]}`;
  }),
  row('RFC 7515 §5.2', 'BCP-4', 'ERR_SIGNATURE_INVALID', 'signature truncated by 4 bytes', (forge) => {
    const parts = forge.withClaims({}).split('.');
    return `${parts[0]}.${parts[1]}.${b64(Buffer.from(parts[2]!, 'base64url').subarray(0, 252))}`;
  }),
  row('RFC 7515 §5.2', 'BCP-4', 'ERR_SIGNATURE_INVALID', 'signature of all zero bytes', (forge) => {
    const parts = forge.withClaims({}).split('.');
    return `${parts[0]}.${parts[1]}.${b64(new Uint8Array(256))}`;
  }),
  row(
    'RFC 8725 §3.8',
    'BCP-8',
    'ERR_SIGNATURE_INVALID',
    'signed by an unpublished key under the published kid',
    (forge) => forge.sign(forge.header(), forge.claims(), forge.rogue),
  ),
  row('RFC 7515 §5.2', 'BCP-4', 'accepted', 'a valid token (control)', (forge) => forge.withClaims({})),
];

export const claimFamilies = {
  'claims: NumericDate and time windows': time,
  'claims: identities and scope agreement': identity,
  'claims: issuer tricks': issuer,
  'claims: audience tricks': audience,
  'claims: token type': type,
  'claims: scope tricks': scope,
  'claims: signature': signatureRows,
} satisfies Record<string, TokenCase[]>;
