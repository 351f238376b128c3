/**
 * What introspection needs to know about a token before anything is sent: whether it is a JWT at
 * all (three segments) and, for org-server tokens, the issuer it names; and that a token about to
 * be sent to a server is one a client could have been given (RFC 6750 §2.1 `b64token`). After the
 * answer, a JWT's own `cnf` is read here too (its binding holds as well as the answer's).
 */
import { TokenwardError } from '../../errors.js';
import type { TokenCodec } from '../../runtime.js';

/** RFC 6750 §2.1: the characters of a bearer token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A string of three dot-separated segments: a JWS in compact form, or a broken one. */
export function isJwtShaped(token: unknown): token is string {
  if (typeof token !== 'string') return false;
  const first = token.indexOf('.');
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  return second !== -1 && token.indexOf('.', second + 1) === -1;
}

/**
 * The `iss` a JWT's payload names, read without verifying anything: only to choose the server
 * to ask, which then vouches for the token (or not) itself. `undefined` when it does not decode.
 */
export function issuerOfJwt(token: string, codec: TokenCodec): string | undefined {
  try {
    const iss = claimedIssuer(token, codec);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `iss` member of a JWT's payload as found (any type; `undefined` when absent), read without
 * verifying anything; `ERR_TOKEN_MALFORMED` when the payload is not a base64url JSON object.
 */
export function claimedIssuer(token: string, codec: TokenCodec): unknown {
  return claimsOfJwt(token, codec).iss;
}

/**
 * A JWT's payload, read without verifying anything; `ERR_TOKEN_MALFORMED` when it is not a
 * base64url JSON object.
 */
export function claimsOfJwt(token: string, codec: TokenCodec): Readonly<Record<string, unknown>> {
  const payload = codec.decodeBase64url(token.slice(token.indexOf('.') + 1, token.lastIndexOf('.')));
  let claims: unknown;
  try {
    claims = payload === undefined ? undefined : JSON.parse(utf8.decode(payload));
  } catch {
    claims = undefined;
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new TokenwardError(
      'ERR_TOKEN_MALFORMED',
      'token has the three segments of a JWT but its payload is not a base64url-encoded JSON object (RFC 7519 section 7.2)',
    );
  }
  return claims as Readonly<Record<string, unknown>>;
}

/** `token` if it may be sent to an introspection endpoint; else `ERR_TOKEN_MALFORMED` or `ERR_TOKEN_TOO_LARGE`. */
export function checkOpaqueToken(token: unknown, maxBytes: number): string {
  if (typeof token !== 'string') {
    throw new TokenwardError('ERR_TOKEN_MALFORMED', `expected the token as a string; found ${typeof token}`);
  }
  if (token.length > maxBytes) {
    throw new TokenwardError(
      'ERR_TOKEN_TOO_LARGE',
      `token is ${token.length} bytes; at most ${maxBytes} are accepted (maxTokenSize)`,
    );
  }
  if (!B64TOKEN.test(token)) {
    throw new TokenwardError(
      'ERR_TOKEN_MALFORMED',
      'token is neither a JWT nor an opaque token: an access token consists of the characters ' +
        'A-Z a-z 0-9 - . _ ~ + / and trailing = (RFC 6750 section 2.1)',
    );
  }
  return token;
}
