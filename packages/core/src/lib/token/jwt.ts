import { TokenwardError } from '../../errors.js';
import type { SignaturePrimitive, TokenCodec, VerificationKey } from '../../runtime.js';
import type { JwtHeader } from '../../types.js';
import { PLAIN_JWT } from '../checks/claims.js';
import { QUOTED_LENGTH, quote } from '../quote.js';
import { createHeaderMemo } from './header-memo.js';
import { parseJsonObject } from './json-object.js';

/** A compact JWS split and decoded, not yet verified: nothing in it may be trusted. */
export interface DecodedJwt {
  readonly header: JwtHeader;
  readonly payload: Record<string, unknown>;
  /** `header.payload`, ASCII, what the signature covers (RFC 7515 §5.2 step 8). */
  readonly signingInput: string;
  readonly signature: Uint8Array;
}

/** Shared by every verifier: a remembered header depends on its segment and nothing else. */
const headers = createHeaderMemo();

/**
 * Splits and decodes a compact JWS, checking its shape before anything is parsed: a string no
 * longer than `maxBytes`, exactly three non-empty canonical base64url segments (RFC 7515 §2),
 * and a header and payload that are UTF-8 JSON objects (RFC 7519 §7.2, RFC 8725 §3.7).
 *
 * The header is judged before the payload and signature are even decoded: `alg` from the
 * allow-list, then the members a JWS may not carry ({@link checkHeaderPolicy}). So an unsecured
 * JWS (`alg: none` in any spelling) is refused for its `alg` whatever its other segments hold.
 */
export function decodeJwt(
  token: unknown,
  maxBytes: number,
  codec: TokenCodec,
  algorithms: readonly string[],
): DecodedJwt {
  if (typeof token !== 'string') {
    throw new TokenwardError('ERR_TOKEN_MALFORMED', `expected the token as a string; found ${typeof token}`);
  }
  // Length in UTF-16 units equals the byte length for the ASCII a JWS consists of; anything
  // non-ASCII is rejected below as malformed.
  if (token.length > maxBytes) {
    throw new TokenwardError(
      'ERR_TOKEN_TOO_LARGE',
      `token is ${token.length} bytes; at most ${maxBytes} are accepted (maxTokenSize)`,
    );
  }
  if (AUTH_SCHEME_PREFIX.test(token)) {
    // A space is not base64url, so no JWS starts like this: the caller passed the header value.
    throw new TokenwardError(
      'ERR_TOKEN_MALFORMED',
      'token starts with the "Bearer " scheme of the Authorization header; pass the token alone',
    );
  }
  // Two dots and no third, found without splitting: this runs for every token.
  const firstDot = token.indexOf('.');
  const secondDot = firstDot === -1 ? -1 : token.indexOf('.', firstDot + 1);
  if (secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) throw wrongSegmentCount(token);
  const payloadSegment = token.slice(firstDot + 1, secondDot);
  const signatureSegment = token.slice(secondDot + 1);
  // A remembered header passed every check but `alg`'s, which depends on the caller's list.
  let header = headers.get(token, firstDot);
  if (header === undefined) {
    const headerSegment = token.slice(0, firstDot);
    const parsed = parseJsonObject(decodeText(codec, headerSegment, 'header'), 'header');
    checkHeaderMembers(parsed);
    header = parsed as JwtHeader;
    checkHeaderPolicy(header, algorithms);
    headers.remember(headerSegment, header);
  } else {
    checkAlgorithm(header, algorithms);
  }
  const payload = parseJsonObject(decodeText(codec, payloadSegment, 'payload'), 'payload');
  const signature = decodeSegment(codec, signatureSegment, 'signature');
  return {
    header,
    payload,
    signingInput: token.slice(0, secondDot),
    signature,
  };
}

function wrongSegmentCount(token: string): TokenwardError {
  const segments = token.split('.').length;
  if (segments === 5) {
    // RFC 7516 §9: five segments is a compact JWE. Only signed tokens are accepted (BCP-5).
    return new TokenwardError(
      'ERR_TOKEN_MALFORMED',
      'token is an encrypted JWT (JWE, 5 segments); only signed JWTs (JWS, 3 segments) are accepted',
    );
  }
  return new TokenwardError(
    'ERR_TOKEN_MALFORMED',
    `expected a JWT of 3 dot-separated segments; found ${segments}`,
  );
}

/** An auth-scheme and its space (RFC 9110 §11.6.2) in front of the token. */
const AUTH_SCHEME_PREFIX = /^(?:bearer|dpop)[ \t]/i;

/**
 * Header members RFC 7516 §4.1 defines for JWE only. A JWS carrying one was made by something
 * that confuses the two (RFC 7516 §4.1.3: `zip` "MUST" be used with JWE only), so it is refused.
 */
const JWE_ONLY_MEMBERS = ['enc', 'zip', 'epk', 'apu', 'apv', 'iv', 'tag', 'p2s', 'p2c'] as const;

function decodeSegment(codec: TokenCodec, segment: string, part: string): Uint8Array {
  const bytes = segment.length === 0 ? undefined : codec.decodeBase64url(segment);
  if (bytes === undefined) throw notBase64url(part);
  return bytes;
}

/** The UTF-8 text of a header or payload segment. */
function decodeText(codec: TokenCodec, segment: string, part: 'header' | 'payload'): string {
  const text = segment.length === 0 ? undefined : codec.decodeBase64urlText(segment);
  if (text !== undefined) return text;
  // Only now is it worth telling the two failures apart.
  if (segment.length === 0 || codec.decodeBase64url(segment) === undefined) throw notBase64url(part);
  throw new TokenwardError('ERR_TOKEN_MALFORMED', `JWT ${part} is not UTF-8 encoded JSON`);
}

function notBase64url(part: string): TokenwardError {
  return new TokenwardError(
    'ERR_TOKEN_MALFORMED',
    `JWT ${part} segment is not non-empty unpadded base64url (RFC 7515 section 2)`,
  );
}

/** Types of the header members we read; everything else is ignored (RFC 7519 §7.2 step 5). */
function checkHeaderMembers(header: Record<string, unknown>): void {
  if (typeof header.alg !== 'string') {
    throw new TokenwardError(
      'ERR_TOKEN_MALFORMED',
      `JWT header "alg" must be a string; found ${typeOf(header.alg)}`,
    );
  }
  for (const member of ['kid', 'typ'] as const) {
    if (Object.hasOwn(header, member) && typeof header[member] !== 'string') {
      throw new TokenwardError(
        'ERR_TOKEN_MALFORMED',
        `JWT header "${member}" must be a string; found ${typeOf(header[member])}`,
      );
    }
  }
}

/**
 * Header checks that need the configuration, `alg` first (RFC 7515 §4.1.1): `alg` from the
 * allow-list, no JWE-only member (RFC 7516 §4.1), no `crit` or `b64` (RFC 7515 §4.1.11,
 * RFC 7797 §6), no `cty` naming a nested JWT (RFC 7519 §5.2).
 */
export function checkHeaderPolicy(header: JwtHeader, algorithms: readonly string[]): void {
  checkAlgorithm(header, algorithms);
  const jweMember = JWE_ONLY_MEMBERS.find((member) => Object.hasOwn(header, member));
  if (jweMember !== undefined) {
    throw new TokenwardError(
      'ERR_TOKEN_MALFORMED',
      `JWT header has "${jweMember}", a member of encrypted JWTs (JWE, RFC 7516 section 4.1); only signed JWTs are accepted`,
    );
  }
  if (Object.hasOwn(header, 'crit')) {
    // We understand no JWS extensions, so any `crit` makes the JWS invalid (RFC 7515 §4.1.11).
    throw new TokenwardError(
      'ERR_CRIT_UNSUPPORTED',
      'JWT header lists "crit" extensions; none are supported, so the token is refused ' +
        '(RFC 7515 section 4.1.11)',
    );
  }
  if (Object.hasOwn(header, 'b64')) {
    throw new TokenwardError(
      'ERR_CRIT_UNSUPPORTED',
      'JWT header has "b64"; an unencoded payload is not allowed in a JWT (RFC 7797 section 7)',
    );
  }
  const cty = header.cty;
  if (typeof cty === 'string' && PLAIN_JWT.test(cty)) {
    // RFC 7519 §5.2, §7.2 step 8: cty "JWT" makes the payload a nested JWT to be verified in turn.
    // Read as claims instead, one token would say two things; nesting is not supported, so refuse.
    throw new TokenwardError(
      'ERR_TOKEN_MALFORMED',
      `expected claims as the JWT payload; found header cty ${quote(cty)}, which marks a nested JWT (RFC 7519 section 5.2), and nested JWTs are not accepted`,
    );
  }
}

/** `alg` must be one of `algorithms`, compared case-sensitively (RFC 7515 §4.1.1). */
export function checkAlgorithm(header: JwtHeader, algorithms: readonly string[]): void {
  if (!algorithms.includes(header.alg)) {
    throw new TokenwardError(
      'ERR_ALG_NOT_ALLOWED',
      `expected alg ${algorithms.join(' or ')}; found ${quote(header.alg)}`,
    );
  }
}

/**
 * Checks the signature with the runtime's primitive. The answer is synchronous when the
 * primitive's is (the Node entry), so a verification needs no promise it doesn't have to make.
 */
export function verifySignature(
  signatures: SignaturePrimitive,
  jwt: DecodedJwt,
  key: VerificationKey,
): boolean | Promise<boolean> {
  return signatures.verify(jwt.header.alg, key, jwt.signingInput, jwt.signature);
}

/** `ERR_SIGNATURE_INVALID`, naming the key the header chose and the issuer whose set holds it. */
export function signatureInvalid(header: JwtHeader, issuer: string): TokenwardError {
  const kid = header.kid === undefined ? '' : ` (kid ${quote(header.kid, QUOTED_LENGTH.kid)})`;
  return new TokenwardError(
    'ERR_SIGNATURE_INVALID',
    `signature does not verify with the ${header.alg} key${kid} of ${issuer}`,
  );
}

function typeOf(value: unknown): string {
  if (value === undefined) return 'none';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}
