/**
 * Options of token introspection (RFC 7662): asking the authorization server whether a token is
 * active, for tokens that cannot be checked locally (opaque tokens, org-server tokens) and for
 * routes where revocation must count (`mode: 'always'`).
 */
import type { JsonWebKeyLike } from './runtime.js';
import type { CacheStore } from './store.js';

/**
 * - `'fallback'`: JWTs are verified locally as always; tokens that are not JWTs (opaque tokens)
 *   are introspected, and so are org-server tokens when `orgServer` is configured.
 * - `'always'`: as `'fallback'`, and every JWT is introspected too, after it passed the local
 *   checks, so a revoked token is refused within `maxCacheAge`.
 */
export type IntrospectionMode = 'fallback' | 'always';

/** How this API authenticates to the introspection endpoint (RFC 7662 §2.1 requires it to). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** This API's client registration at an authorization server, for introspection. */
export interface IntrospectionClient {
  /**
   * The client id this API was registered with.
   * @example '0oa8f5j3ecb5w3dF35d7'
   */
  readonly clientId: string;
  /** The client secret, for `client_secret_basic` (the default with a secret) or `client_secret_post`. */
  readonly clientSecret?: string;
  /**
   * A private JWK (with `d`) for `private_key_jwt` (RFC 7523): each request carries a short-lived
   * assertion signed with it, `aud` the issuer (RFC 7523 §3). RSA keys sign with `RS256`, P-256 with
   * `ES256`, Ed25519 with `EdDSA`, unless the JWK names its `alg` (RS256, PS256, ES256 or EdDSA).
   * Its `kid`, when present, goes into the assertion's header.
   */
  readonly privateKey?: JsonWebKeyLike;
  /**
   * Overrides the method chosen from the credentials: `client_secret_basic` with `clientSecret`,
   * `private_key_jwt` with `privateKey`. `client_secret_post` sends the secret in the form instead.
   */
  readonly clientAuthMethod?: ClientAuthMethod;
}

/** The org authorization server's introspection client, for org-server access tokens. */
export interface OrgServerIntrospection extends IntrospectionClient {
  /**
   * What an org-server token must name in `aud`. Default: the org server's issuer (its origin),
   * which is what the vendor's org server puts there.
   */
  readonly audience?: string | readonly string[];
}

/** The `introspection` option of `createAccessTokenVerifier` and every adapter. */
export interface IntrospectionOptions extends IntrospectionClient {
  /** When tokens are introspected, see {@link IntrospectionMode}. */
  readonly mode: IntrospectionMode;
  /**
   * Seconds an `active: true` answer is reused, never past the token's `exp` (RFC 7662 §4): the
   * longest a revoked token keeps working. Range 0–3600; `0` asks on every request. Default `60`.
   */
  readonly maxCacheAge?: number;
  /**
   * Seconds an `active: false` answer is reused, so that a client retrying a dead token does not
   * cost a call each time. Range 0–300. Default `0` (not cached).
   */
  readonly negativeCacheAge?: number;
  /**
   * Where answers are cached, keyed by the token's SHA-256 (never the token). Share one store
   * (`createRedisStore` from `@tokenward/redis`) between instances so that each token is asked
   * about once per `maxCacheAge` across all of them. Default: a store in this process's memory.
   */
  readonly store?: CacheStore;
  /** Largest introspection response read, in bytes. Range 1024–1048576. Default `16384`. */
  readonly maxResponseSize?: number;
  /**
   * Introspect org-server access tokens at the org authorization server with this client, instead
   * of refusing them with `ERR_ORG_SERVER_TOKEN`: the vendor documents that only the org server
   * can validate them. Default: not configured.
   */
  readonly orgServer?: OrgServerIntrospection;
  /**
   * The issuer whose introspection endpoint is asked about opaque tokens, exactly as configured
   * (one of the verifier's issuers, or the org server's issuer when `orgServer` is set). An opaque
   * token names no issuer, and it is only ever sent to this one server: never to the others, which
   * did not mint it. Required when the verifier has several issuers; default: the only issuer.
   * @example 'https://acme.okta.com/oauth2/default'
   */
  readonly opaqueTokenIssuer?: string;
}
