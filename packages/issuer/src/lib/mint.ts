import { randomBytes } from 'node:crypto';
import { TEST_USER, testUserProfileClaims } from '../test-user.js';
import type { IdTokenMintOptions, MintOptions } from '../types.js';
import { halfHash, signCompact } from './jws.js';
import type { SigningKey } from './keys.js';

const DEFAULT_LIFETIME_SECONDS = 3600;

/** The issuing side of a token: whose `iss` and default `aud` it carries. */
export interface TokenSource {
  readonly issuer: string;
  readonly audience: string;
}

function tokenId(prefix: 'AT' | 'ID'): string {
  return `${prefix}.${randomBytes(24).toString('base64url')}`;
}

function timeClaims(options: MintOptions): Record<string, number> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const times: Record<string, number> = {
    iat: options.issuedAt ?? now,
    exp: now + (options.expiresIn ?? DEFAULT_LIFETIME_SECONDS),
  };
  if (options.notBefore !== undefined) times.nbf = now + options.notBefore;
  return times;
}

/**
 * Access-token claims shaped like the vendor's: `ver`, `jti` (`AT.`), `iss`, `aud`, `iat`, `exp`,
 * `cid`, `uid`, `scp`, `sub`, and `cnf.jkt` for a DPoP-bound token. Without a `sub`, the token is for the test user (`sub` = login,
 * `uid` = user id), as the vendor issues user tokens.
 */
export function accessTokenClaims(
  source: TokenSource,
  claims: Record<string, unknown>,
  options: MintOptions,
): Record<string, unknown> {
  const forTestUser = claims.sub === undefined;
  return {
    ver: 1,
    jti: tokenId('AT'),
    iss: source.issuer,
    aud: options.audience ?? source.audience,
    ...timeClaims(options),
    cid: 'test-client',
    ...(forTestUser ? { uid: TEST_USER.id, sub: TEST_USER.login } : {}),
    scp: [],
    // RFC 9449 §6.1: the confirmation claim binds the token to the proof key.
    ...(options.dpopJkt === undefined ? {} : { cnf: { jkt: options.dpopJkt } }),
    ...claims,
  };
}

/**
 * ID-token claims (OIDC Core §2): `aud` is the client id, `at_hash`/`c_hash` are computed with the
 * hash of the signing key's algorithm. Without a `sub`, the token is for the test user with
 * profile claims.
 */
export function idTokenClaims(
  source: TokenSource,
  claims: Record<string, unknown>,
  options: IdTokenMintOptions,
  signingKey: SigningKey,
): Record<string, unknown> {
  const times = timeClaims(options);
  const forTestUser = claims.sub === undefined;
  const hashes: Record<string, string> = {};
  if (options.accessToken !== undefined) hashes.at_hash = halfHash(options.accessToken, signingKey.alg);
  if (options.code !== undefined) hashes.c_hash = halfHash(options.code, signingKey.alg);
  return {
    ver: 1,
    jti: tokenId('ID'),
    iss: source.issuer,
    aud: options.audience ?? options.clientId ?? 'spa-client',
    ...times,
    auth_time: times.iat,
    amr: ['pwd'],
    idp: TEST_USER.idp,
    ...(forTestUser ? { sub: TEST_USER.id, ...testUserProfileClaims() } : {}),
    ...hashes,
    ...claims,
  };
}

/** Deletes the claims named in `omit`. */
export function applyOmit(payload: Record<string, unknown>, options: MintOptions): Record<string, unknown> {
  for (const name of options.omit ?? []) delete payload[name];
  return payload;
}

/** Applies `header` overrides (`null` removes a member) and `omit`, then signs. */
export function signToken(
  payload: Record<string, unknown>,
  options: MintOptions,
  defaultTyp: string | undefined,
  signingKey: SigningKey,
): string {
  const typ = options.typ === undefined ? defaultTyp : options.typ;
  const header: Record<string, unknown> = { alg: signingKey.alg, kid: signingKey.kid };
  if (typ !== null && typ !== undefined) header.typ = typ;
  for (const [name, value] of Object.entries(options.header ?? {})) {
    if (value === null) delete header[name];
    else header[name] = value;
  }
  return signCompact(header, applyOmit(payload, options), signingKey.alg, signingKey.privateKey);
}
