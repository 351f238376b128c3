/**
 * The one error type tokenward throws or rejects with. Every failure carries a stable `code`,
 * the HTTP answer an API should give (`status`/`statusCode`, `headers`), and the OAuth error
 * name, so Express's final handler and Fastify's default error handler already reply correctly.
 */

import { challengeAttributeText } from './challenge-text.js';
import { DEFAULTS, LIMITS } from './defaults.js';

/** Codes answered with 401 and `error="invalid_token"` (RFC 6750 §3.1, RFC 9068 §4). */
export type InvalidTokenCode =
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_TOO_LARGE'
  | 'ERR_ALG_NOT_ALLOWED'
  | 'ERR_CRIT_UNSUPPORTED'
  | 'ERR_KEY_NOT_FOUND'
  | 'ERR_SIGNATURE_INVALID'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_ISSUER_MISMATCH'
  | 'ERR_ORG_SERVER_TOKEN'
  | 'ERR_AUDIENCE_MISMATCH'
  | 'ERR_TYPE_INVALID'
  | 'ERR_CLAIM_MISSING'
  | 'ERR_CLAIM_INVALID'
  | 'ERR_NONCE_MISMATCH'
  | 'ERR_AT_HASH_MISMATCH'
  | 'ERR_C_HASH_MISMATCH'
  | 'ERR_AUTH_TIME_TOO_OLD'
  | 'ERR_INSUFFICIENT_USER_AUTHENTICATION'
  /** The authorization server said the token is not active (RFC 7662 §2.2): revoked, expired or unknown. */
  | 'ERR_TOKEN_INACTIVE'
  | 'ERR_DPOP_BINDING_MISMATCH';

/** Codes answered with 503 and `Retry-After`: the API cannot verify right now; the token may be fine. */
export type UpstreamCode =
  | 'ERR_DISCOVERY_FAILED'
  | 'ERR_DISCOVERY_ISSUER_MISMATCH'
  | 'ERR_JWKS_FETCH_FAILED'
  | 'ERR_JWKS_INVALID'
  /** `verifySync` only: the token's key is not loaded, and it never fetches (call `verify`). */
  | 'ERR_KEY_NOT_CACHED'
  /** The introspection endpoint could not answer, or refused this API's client credentials. */
  | 'ERR_INTROSPECTION_FAILED'
  | 'ERR_REPLAY_STORE_UNAVAILABLE'
  /** `@tokenward/gateway`: what a decision waited for did not answer within its `decisionTimeout`. */
  | 'ERR_DECISION_TIMEOUT';

export type ErrorCode =
  | 'ERR_TOKEN_MISSING'
  | 'ERR_INVALID_REQUEST'
  | InvalidTokenCode
  | DpopProofCode
  | 'ERR_INSUFFICIENT_SCOPE'
  | 'ERR_POLICY_DENIED'
  | UpstreamCode
  | 'ERR_CONFIG';

/**
 * Codes of a refused DPoP proof (RFC 9449 sections 7.1 and 9): 401 with the `DPoP` challenge's
 * `invalid_dpop_proof`, or `use_dpop_nonce` with a `DPoP-Nonce` header.
 */
export type DpopProofCode = 'ERR_DPOP_PROOF_INVALID' | 'ERR_DPOP_REPLAYED' | 'ERR_DPOP_NONCE_REQUIRED';

/** The OAuth error name sent in `WWW-Authenticate`, or `undefined` for a bare challenge. */
export type OAuthErrorName =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'insufficient_user_authentication'
  | 'temporarily_unavailable'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

interface HttpMeaning {
  readonly status: 400 | 401 | 403 | 500 | 503;
  readonly oauthError: OAuthErrorName | undefined;
}

const UPSTREAM: HttpMeaning = { status: 503, oauthError: 'temporarily_unavailable' };
const INVALID_TOKEN: HttpMeaning = { status: 401, oauthError: 'invalid_token' };

const MEANINGS: Record<ErrorCode, HttpMeaning> = {
  // RFC 6750 §3.1: a request without credentials gets a challenge with no error attribute.
  ERR_TOKEN_MISSING: { status: 401, oauthError: undefined },
  ERR_INVALID_REQUEST: { status: 400, oauthError: 'invalid_request' },
  ERR_TOKEN_MALFORMED: INVALID_TOKEN,
  ERR_TOKEN_TOO_LARGE: INVALID_TOKEN,
  ERR_ALG_NOT_ALLOWED: INVALID_TOKEN,
  ERR_CRIT_UNSUPPORTED: INVALID_TOKEN,
  ERR_KEY_NOT_FOUND: INVALID_TOKEN,
  ERR_SIGNATURE_INVALID: INVALID_TOKEN,
  ERR_TOKEN_EXPIRED: INVALID_TOKEN,
  ERR_TOKEN_NOT_YET_VALID: INVALID_TOKEN,
  ERR_ISSUER_MISMATCH: INVALID_TOKEN,
  ERR_ORG_SERVER_TOKEN: INVALID_TOKEN,
  ERR_AUDIENCE_MISMATCH: INVALID_TOKEN,
  ERR_TYPE_INVALID: INVALID_TOKEN,
  ERR_CLAIM_MISSING: INVALID_TOKEN,
  ERR_CLAIM_INVALID: INVALID_TOKEN,
  ERR_NONCE_MISMATCH: INVALID_TOKEN,
  ERR_AT_HASH_MISMATCH: INVALID_TOKEN,
  ERR_C_HASH_MISMATCH: INVALID_TOKEN,
  ERR_AUTH_TIME_TOO_OLD: INVALID_TOKEN,
  ERR_TOKEN_INACTIVE: INVALID_TOKEN,
  ERR_DPOP_BINDING_MISMATCH: INVALID_TOKEN,
  ERR_DPOP_PROOF_INVALID: { status: 401, oauthError: 'invalid_dpop_proof' },
  ERR_DPOP_REPLAYED: { status: 401, oauthError: 'invalid_dpop_proof' },
  ERR_DPOP_NONCE_REQUIRED: { status: 401, oauthError: 'use_dpop_nonce' },
  ERR_INSUFFICIENT_SCOPE: { status: 403, oauthError: 'insufficient_scope' },
  // A gateway policy admits no request of this method and path, whatever the token: RFC 6750 has
  // no error name for it (no token would help), so the challenge is bare.
  ERR_POLICY_DENIED: { status: 403, oauthError: undefined },
  // RFC 9470 section 3: the token is fine but the sign-in behind it is too weak or too old.
  ERR_INSUFFICIENT_USER_AUTHENTICATION: { status: 401, oauthError: 'insufficient_user_authentication' },
  ERR_DISCOVERY_FAILED: UPSTREAM,
  ERR_DISCOVERY_ISSUER_MISMATCH: UPSTREAM,
  ERR_JWKS_FETCH_FAILED: UPSTREAM,
  ERR_JWKS_INVALID: UPSTREAM,
  ERR_KEY_NOT_CACHED: UPSTREAM,
  // Never a 401, not even when the endpoint refused our own client credentials: that is this API's
  // misconfiguration, and a 401 would tell the caller to throw away a token that may be fine.
  ERR_INTROSPECTION_FAILED: UPSTREAM,
  ERR_REPLAY_STORE_UNAVAILABLE: UPSTREAM,
  ERR_DECISION_TIMEOUT: UPSTREAM,
  // A misconfiguration is the server's fault, never the client's: if one ever reaches a request
  // it must not look like a 401.
  ERR_CONFIG: { status: 500, oauthError: undefined },
};

/** Seconds a client should wait before retrying after an upstream (503) failure (`DEFAULTS.retryAfter`). */
export const DEFAULT_RETRY_AFTER_SECONDS: number = DEFAULTS.retryAfter;

/**
 * `realm` of every challenge unless another is given: RFC 6750 §3 lets a server name the
 * protection space, and a bare `Bearer` challenge for a missing token tells a client nothing.
 */
export const DEFAULT_REALM: string = DEFAULTS.realm;

const BRAND = Symbol.for('tokenward.error');

/**
 * What a client is told about a 5xx answer: the message itself may name URLs or network and TLS
 * failures, which belong in logs and events, never in a response to an anonymous caller.
 */
const SERVER_SIDE_DESCRIPTION: Partial<Record<ErrorCode, string>> = {
  ERR_CONFIG: 'The API is misconfigured and cannot check credentials',
};
const UNAVAILABLE_DESCRIPTION = 'The API cannot check access tokens right now; retry later';

/**
 * The JSON body of an error answer, the same through every adapter:
 * `{ "error": "invalid_token", "error_description": "...", "code": "ERR_TOKEN_EXPIRED" }`.
 */
export interface ErrorResponseBody {
  /** OAuth error name; absent when the request carried no credentials (RFC 6750 section 3.1). */
  readonly error?: OAuthErrorName;
  /** What was expected and what was found; a generic sentence for 5xx answers. */
  readonly error_description: string;
  /** Stable tokenward code, e.g. `ERR_TOKEN_EXPIRED`. */
  readonly code: ErrorCode;
}

export interface TokenwardErrorOptions {
  /** The underlying failure (network error, parse error, ...). */
  cause?: unknown;
  /**
   * Scopes the route needs, sent as `scope="..."` in 401 and 403 challenges (RFC 6750 section 3),
   * so a client knows what to ask the authorization server for.
   */
  requiredScopes?: readonly string[];
  /**
   * URL of the API's protected resource metadata, sent as `resource_metadata="..."` in 401 and
   * 403 challenges (RFC 9728 section 5.1) so a client can find the authorization server.
   * @example 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'
   */
  resourceMetadata?: string;
  /** `realm` for the `WWW-Authenticate` challenge. Default {@link DEFAULT_REALM}. */
  realm?: string;
  /**
   * For `ERR_INSUFFICIENT_USER_AUTHENTICATION`: the authentication context classes that would
   * satisfy the route (sent as `acr_values="..."`, RFC 9470 section 3).
   */
  acrValues?: readonly string[];
  /**
   * For `ERR_INSUFFICIENT_USER_AUTHENTICATION`: the oldest sign-in the route accepts, in seconds
   * (sent as `max_age="..."`, RFC 9470 section 3).
   */
  maxAge?: number;
  /** Seconds for `Retry-After` on 503 answers. */
  retryAfter?: number;
  /** The schemes the API accepts, for its challenges. Default: Bearer only. */
  challenges?: ChallengeSchemes;
  /** A server nonce sent as `DPoP-Nonce`, with `ERR_DPOP_NONCE_REQUIRED` (RFC 9449 section 9). */
  dpopNonce?: string;
}
/**
 * The authentication schemes an API accepts, so that its challenges name each of them side by
 * side (RFC 9449 section 7.1), with the error attributes on the one the request used.
 */
export interface ChallengeSchemes {
  /** Whether bearer tokens are accepted (`Bearer` challenge). */
  readonly bearer: boolean;
  /** The DPoP proof algorithms, when DPoP is accepted (`DPoP` challenge with `algs`). */
  readonly dpopAlgorithms?: readonly string[];
  /** The scheme the request used. Default: `Bearer` when accepted. */
  readonly used?: 'Bearer' | 'DPoP';
}

const BEARER_ONLY: ChallengeSchemes = Object.freeze({ bearer: true });
const PROOF_CODES: ReadonlySet<ErrorCode> = new Set<DpopProofCode>([
  'ERR_DPOP_PROOF_INVALID',
  'ERR_DPOP_REPLAYED',
  'ERR_DPOP_NONCE_REQUIRED',
]);

export class TokenwardError extends Error {
  override readonly name = 'TokenwardError';
  readonly code: ErrorCode;
  /** HTTP status an API should answer with. */
  readonly status: number;
  /** Same as `status`; the property Fastify's and Express's error handlers read. */
  readonly statusCode: number;
  /** The OAuth error name (`WWW-Authenticate` `error` attribute), if any. */
  readonly oauthError: OAuthErrorName | undefined;
  /** Response headers: `WWW-Authenticate` (RFC 6750 §3), `Retry-After` for 503, and `DPoP-Nonce` with `Cache-Control: no-store` for a nonce challenge. */
  readonly headers: Readonly<Record<string, string>>;
  /** Scopes the route required, sent as `scope` in a 401 or 403 challenge. */
  readonly requiredScopes: readonly string[] | undefined;
  /** The protected resource metadata URL sent as `resource_metadata` in a 401 or 403 challenge. */
  readonly resourceMetadata: string | undefined;
  /** `realm` of the challenge in `headers`. */
  readonly realm: string;
  /** For `ERR_INSUFFICIENT_USER_AUTHENTICATION`: the `acr` values the route accepts. */
  readonly acrValues: readonly string[] | undefined;
  /** For `ERR_INSUFFICIENT_USER_AUTHENTICATION`: the oldest sign-in the route accepts, in seconds. */
  readonly maxAge: number | undefined;
  /** Seconds sent as `Retry-After` on 503 answers, when one was chosen explicitly. */
  readonly retryAfter: number | undefined;
  /** The schemes the challenges in `headers` name; `undefined` for Bearer only. */
  readonly challenges: ChallengeSchemes | undefined;
  /** The server nonce in the `DPoP-Nonce` header, for `ERR_DPOP_NONCE_REQUIRED`. */
  readonly dpopNonce: string | undefined;
  /**
   * `true` for 4xx: `message` may be shown to the client. The http-errors convention, read by
   * Koa's default error handler and error renderers that follow it. Express's final handler does
   * not read it: it uses `status` and `headers`, and sends the status text (the stack in development).
   */
  readonly expose: boolean;

  constructor(code: ErrorCode, message: string, options: TokenwardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const meaning = MEANINGS[code];
    this.code = code;
    this.status = meaning.status;
    this.statusCode = meaning.status;
    this.oauthError = meaning.oauthError;
    this.requiredScopes = options.requiredScopes;
    this.resourceMetadata = options.resourceMetadata;
    this.realm = options.realm ?? DEFAULT_REALM;
    this.acrValues = options.acrValues;
    this.maxAge = options.maxAge;
    this.retryAfter = options.retryAfter;
    this.challenges = options.challenges;
    this.dpopNonce = options.dpopNonce;
    this.expose = meaning.status < 500;
    this.headers = buildHeaders(code, meaning, message, options);
    Object.defineProperty(this, BRAND, { value: true });
    // A refusal or an outage is an answer, not a bug: one line in a log, no stack frames. A
    // configuration mistake keeps its trace, which points at the code to fix.
    if (code !== 'ERR_CONFIG') {
      Object.defineProperty(this, 'stack', {
        value: `${this.name} [${code}]: ${message}`,
        writable: true,
        configurable: true,
      });
    }
  }

  /**
   * The JSON body to answer with. `error_description` is the message for 4xx answers and a
   * generic sentence for 5xx ones, whose messages may hold URLs or network details.
   */
  get body(): ErrorResponseBody {
    const description = this.expose
      ? this.message
      : (SERVER_SIDE_DESCRIPTION[this.code] ?? UNAVAILABLE_DESCRIPTION);
    return this.oauthError === undefined || this.code === 'ERR_CONFIG'
      ? { error_description: description, code: this.code }
      : { error: this.oauthError, error_description: description, code: this.code };
  }

  /** A copy with a different realm in its challenge (adapters set their realm). */
  withRealm(realm: string): TokenwardError {
    return this.withChallenge({ realm });
  }

  /** A copy whose challenges name these schemes (a verifier that accepts DPoP sets them). */
  withChallenges(challenges: ChallengeSchemes): TokenwardError {
    return this.withChallenge({ challenges });
  }

  /**
   * A copy whose challenge says more about the API and the route: its `realm`, its metadata URL
   * (`resource_metadata`) and the route's scopes (`scope`). The request step sets them.
   * @example error.withChallenge({ resourceMetadata: 'https://api.example.com/.well-known/oauth-protected-resource' })
   */
  withChallenge(change: ChallengeChange): TokenwardError {
    const copy = new TokenwardError(this.code, this.message, {
      cause: this.cause,
      retryAfter: this.retryAfter,
      realm: change.realm ?? this.realm,
      ...optional('requiredScopes', change.requiredScopes ?? this.requiredScopes),
      ...optional('resourceMetadata', change.resourceMetadata ?? this.resourceMetadata),
      ...optional('acrValues', this.acrValues),
      ...optional('maxAge', this.maxAge),
      ...optional('challenges', change.challenges ?? this.challenges),
      ...optional('dpopNonce', this.dpopNonce),
    });
    if (this.code === 'ERR_CONFIG') copy.stack = this.stack;
    return copy;
  }
}

/** What {@link TokenwardError.withChallenge} changes; an absent member keeps the error's own. */
export type ChallengeChange = Pick<
  TokenwardErrorOptions,
  'realm' | 'requiredScopes' | 'resourceMetadata' | 'challenges'
>;

function optional<Name extends string, Value>(
  name: Name,
  value: Value | undefined,
): { [Key in Name]?: Value } {
  return (value === undefined ? {} : { [name]: value }) as { [Key in Name]?: Value };
}

/** True for any tokenward error, even one thrown by another installed copy of the package. */
export function isTokenwardError(value: unknown): value is TokenwardError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** The HTTP status that goes with a code. */
export function statusForCode(code: ErrorCode): number {
  return MEANINGS[code].status;
}

function buildHeaders(
  code: ErrorCode,
  meaning: HttpMeaning,
  message: string,
  options: TokenwardErrorOptions,
): Record<string, string> {
  if (code === 'ERR_CONFIG') return {};
  const schemes = options.challenges ?? BEARER_ONLY;
  const realm = `realm=${quote(options.realm ?? DEFAULT_REALM)}`;
  const algorithms = schemes.dpopAlgorithms;
  const bearer = schemes.bearer ? ['Bearer', realm] : undefined;
  const dpop =
    algorithms !== undefined || PROOF_CODES.has(code)
      ? ['DPoP', realm, ...(algorithms === undefined ? [] : [`algs=${quote(algorithms.join(' '))}`])]
      : undefined;
  if (meaning.status === 503) {
    // RFC 6750 has no code for "cannot verify right now"; bare challenges plus Retry-After keep
    // clients from discarding a token that may be valid (security-requirements §0).
    const retryAfter = String(options.retryAfter ?? DEFAULT_RETRY_AFTER_SECONDS);
    return { 'WWW-Authenticate': challenges(bearer, dpop), 'Retry-After': retryAfter };
  }
  // The error and what would satisfy the route go on the scheme they concern, named first: a
  // proof's on DPoP, any other on the scheme the request used (RFC 9449 section 7.1).
  const usedDpop =
    PROOF_CODES.has(code) || bearer === undefined || (schemes.used === 'DPoP' && dpop !== undefined);
  const params = [...(usedDpop ? dpop : bearer)!];
  const header = (all: string[]) => challenges(all, usedDpop ? bearer : dpop);
  if (meaning.oauthError !== undefined) params.push(`error=${quote(meaning.oauthError)}`);
  let tail = challengeTail(code, meaning, options);
  // A route's scope list long enough to crowd out everything else gives way first: the metadata
  // document (`resource_metadata`) names the scopes too.
  if (header([...params, ...tail, 'error_description=""']).length > LIMITS.challengeLength.max) {
    tail = challengeTail(code, meaning, { ...options, requiredScopes: undefined });
  }
  if (meaning.oauthError !== undefined) {
    // The description gives way so the whole header fits LIMITS.challengeLength: a header past a
    // client's or proxy's limit turns a readable 401 into a failed response.
    const room = LIMITS.challengeLength.max - header([...params, ...tail, 'error_description=""']).length;
    const description = message.length > room ? `${message.slice(0, Math.max(0, room - 3))}...` : message;
    params.push(`error_description=${quote(description)}`);
  }
  const headers: Record<string, string> = { 'WWW-Authenticate': header([...params, ...tail]) };
  if (options.dpopNonce !== undefined) {
    headers['DPoP-Nonce'] = options.dpopNonce;
    // RFC 9449 section 8.2: an answer carrying a nonce should not be cached and handed out again.
    headers['Cache-Control'] = 'no-store';
  }
  return headers;
}

/**
 * The attributes after the error: what would satisfy the route (`scope`, RFC 6750 section 3;
 * `acr_values`, `max_age`, RFC 9470 section 3) and where the API's metadata is (RFC 9728 section
 * 5.1), on the 401 and 403 answers a client can act on.
 */
function challengeTail(code: ErrorCode, meaning: HttpMeaning, options: TokenwardErrorOptions): string[] {
  const tail: string[] = [];
  if (meaning.status !== 401 && meaning.status !== 403) return tail;
  const scopes = options.requiredScopes;
  if (scopes !== undefined && scopes.length > 0) tail.push(`scope=${quote(scopes.join(' '))}`);
  if (code === 'ERR_INSUFFICIENT_USER_AUTHENTICATION') {
    if (options.acrValues !== undefined) tail.push(`acr_values=${quote(options.acrValues.join(' '))}`);
    if (options.maxAge !== undefined) tail.push(`max_age=${quote(String(options.maxAge))}`);
  }
  if (options.resourceMetadata !== undefined)
    tail.push(`resource_metadata=${quote(options.resourceMetadata)}`);
  return tail;
}

/** One `WWW-Authenticate` value holding each challenge (scheme, then its parameters), comma-separated (RFC 9110 section 11.6.1). */
function challenges(...schemes: (string[] | undefined)[]): string {
  return schemes
    .filter((scheme) => scheme !== undefined)
    .map(([scheme, ...params]) => `${scheme} ${params.join(', ')}`)
    .join(', ');
}

/**
 * RFC 6750 §3: attribute values are quoted strings whose characters are limited to
 * %x20-21 / %x23-5B / %x5D-7E, so quotes and backslashes (and anything outside
 * printable ASCII) are replaced rather than escaped.
 */
function quote(value: string): string {
  return `"${challengeAttributeText(value)}"`;
}
