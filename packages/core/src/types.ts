/** Public types of verification results and per-call requirements. Options live in `options.ts`. */

import type { DpopRequest, DpopResult, DpopSettings } from './dpop.js';
import type { KeySetSnapshot } from './key-snapshot.js';

/** A JOSE header of a verified token. `alg` is always one of the configured algorithms. */
export interface JwtHeader {
  readonly alg: string;
  readonly kid?: string;
  readonly typ?: string;
  readonly [member: string]: unknown;
}

/** The claims of a verified access token. Registered claims are type-checked; others pass as is. */
export interface AccessTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string | readonly string[];
  /** Expiry, seconds since the epoch (always present: tokens without `exp` are refused). */
  readonly exp: number;
  readonly iat?: number;
  readonly nbf?: number;
  readonly jti?: string;
  /** Scopes in the vendor's form, an array of strings. */
  readonly scp?: readonly string[];
  /** Scopes in the RFC 9068 / RFC 8693 form, space-separated. */
  readonly scope?: string;
  /** Client id in the vendor's form. */
  readonly cid?: string;
  /** Client id in the RFC 9068 form. */
  readonly client_id?: string;
  readonly [claim: string]: unknown;
}

/** What kind of authorization server an issuer is (see `parseIssuer`). */
export type ServerKind = 'org' | 'custom' | 'other';

/** The authorization server that issued a verified token. */
export interface AuthorizationServerInfo {
  readonly kind: ServerKind;
  /** The custom server's id (`/oauth2/{id}`), for `kind: 'custom'`. */
  readonly id?: string;
  readonly issuer: string;
}

/** A verified access token. Frozen. */
export interface AccessTokenResult {
  /** The token exactly as verified. */
  readonly token: string;
  /**
   * The JWT's protected header, from a signature this verifier checked; `undefined` when only
   * the issuer's introspection answer (RFC 7662) vouches for the token: an opaque token, or a JWT
   * the verifier does not check itself (an org-server token, an introspection-only verifier).
   */
  readonly header: JwtHeader | undefined;
  readonly claims: AccessTokenClaims;
  /** `iss`, equal to a configured issuer. */
  readonly issuer: string;
  /** `sub`. */
  readonly subject: string;
  /** `aud` as a list, whichever form the token used. */
  readonly audience: readonly string[];
  /** `scp` and `scope` merged into one list, in token order, without repeats. */
  readonly scopes: readonly string[];
  /** `cid` or `client_id`, when the token has one. */
  readonly clientId?: string;
  /** `exp` as a date. */
  readonly expiresAt: Date;
  readonly server: AuthorizationServerInfo;
  /** Present when the token came with a DPoP proof that was accepted (`verify(token, { dpop })`). */
  readonly dpop?: DpopResult;
}

/** `'all'`: every listed scope is needed; `'any'`: one of them is enough. */
export type ScopeMatch = 'all' | 'any';

/** A claim value that can be compared with `===`. */
export type ClaimPrimitive = string | number | boolean;

/**
 * What one claim must satisfy:
 * - a string, number or boolean: the claim equals it (`===`);
 * - `{ includes: v }` or `{ includes: [v1, v2] }`: the claim is an array containing every value;
 * - a function `(value, claims) => boolean`: the claim is present and the function returns `true`.
 * A missing claim always fails with `ERR_CLAIM_MISSING`; any other failure is `ERR_CLAIM_INVALID`.
 */
export type ClaimRequirement<Claims = AccessTokenClaims> =
  | ClaimPrimitive
  | { readonly includes: ClaimPrimitive | readonly ClaimPrimitive[] }
  | ((value: unknown, claims: Claims) => boolean);

/** Claim name → requirement. Example: `{ tier: 'gold', groups: { includes: 'admins' } }`. */
export type ClaimRequirements<Claims = AccessTokenClaims> = Readonly<
  Record<string, ClaimRequirement<Claims>>
>;

/**
 * What a route requires of a verified token beyond being genuine and meant for this API: the one
 * requirements type of `verify`, `authenticateRequest` and every adapter (Express `requireAuth`,
 * Fastify `config.auth`, the Fetch adapter, Hono). Check it once with `validateAuthRequirements`.
 * @example { scopes: ['orders:read', 'orders:write'], scopeMatch: 'any', claims: { tier: 'gold' } }
 */
export interface AuthRequirements {
  /**
   * Scopes the caller needs; a token lacking them fails with `ERR_INSUFFICIENT_SCOPE` (403).
   * Example: `['orders:read']`.
   */
  readonly scopes?: readonly string[];
  /** Whether `scopes` are all needed (`'all'`) or one suffices (`'any'`). Default `'all'`. */
  readonly scopeMatch?: ScopeMatch;
  /** Claims the token must carry, see {@link ClaimRequirement}. */
  readonly claims?: ClaimRequirements;
  /**
   * Step-up (RFC 9470): the `acr` values of a sign-in strong enough for the route (any one; with
   * the verifier's `acrLevels`, the weakest acceptable level). A token with a weaker or no `acr`
   * fails with `ERR_INSUFFICIENT_USER_AUTHENTICATION` (401, `acr_values` in the challenge).
   * @example ['urn:okta:loa:2fa:any']
   */
  readonly acrValues?: readonly string[];
  /**
   * Step-up (RFC 9470): the oldest sign-in the route accepts, in seconds before now (the token's
   * `auth_time`). Older or no `auth_time`: `ERR_INSUFFICIENT_USER_AUTHENTICATION` with `max_age`.
   * @example 300
   */
  readonly maxAge?: number;
}

/** Requirements of one `verify` call, on top of the verifier's own checks: {@link AuthRequirements}. */
export interface VerifyAccessTokenOptions extends AuthRequirements {
  /**
   * The request's DPoP parts, when the token came with the `DPoP` scheme: the proof is checked
   * against them and the token (RFC 9449 sections 4.3 and 7.1). Absent means the token came as a
   * bearer token, and a DPoP-bound one is refused. Needs the verifier's `dpop` option.
   */
  readonly dpop?: DpopRequest;
}

/** Verifies access tokens for the configured issuers and audiences. */
export interface AccessTokenVerifier {
  /**
   * Verifies `token` (the exact string, without `Bearer `). Resolves to a frozen result or
   * rejects with a `TokenwardError`.
   */
  verify(token: string, options?: VerifyAccessTokenOptions): Promise<AccessTokenResult>;
  /**
   * {@link AccessTokenVerifier.verify} without a promise, for callers whose keys are already
   * loaded (after `warm()` or a first `verify`): returns the frozen result or throws a
   * `TokenwardError`. It never fetches: a token whose key is not loaded and fresh throws
   * `ERR_KEY_NOT_CACHED` (503), after which `verify` (which fetches) is the way on. Needs a
   * synchronous signature check, which the Node entry has; elsewhere it throws `ERR_CONFIG`.
   * @example
   * await verifier.warm();
   * const auth = verifier.verifySync(token, { scopes: ['orders:read'] });
   */
  verifySync(token: string, options?: VerifyAccessTokenOptions): AccessTokenResult;
  /** Loads every configured issuer's keys now (discovery and JWKS), e.g. before taking traffic. */
  warm(): Promise<void>;
  /** Same as {@link AccessTokenVerifier.warm}. */
  hydrate(): Promise<void>;
  /**
   * The loaded discovery results and key sets as a JSON-serialisable snapshot (public keys only)
   * for the `snapshot` option of another verifier, e.g. the next isolate's. Issuers whose keys
   * are not loaded yet are left out (`warm()` first to have every one).
   * @example await env.KEYS.put('tokenward-keys', JSON.stringify(verifier.snapshot()));
   */
  snapshot(): KeySetSnapshot;
  /** The configured issuers, in configuration order. */
  readonly issuers: readonly string[];
  /**
   * `realm` of the `WWW-Authenticate` challenges of this verifier's errors: the `realm` option,
   * default `'api'` (`DEFAULT_REALM`). The adapters use it for their own errors (a missing token,
   * a malformed request) when given this verifier without a `realm` of their own.
   * @example 'orders-api'
   */
  readonly realm: string;
  /** The canonical `resource` option (RFC 8707), when set: what tokens must name in `aud`. */
  readonly resource: string | undefined;
  /** How this verifier takes DPoP (its `dpop` option), or `undefined` when it takes bearer tokens only. */
  readonly dpop: DpopSettings | undefined;
}
