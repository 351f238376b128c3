/**
 * Every default and every accepted range of tokenward's settings, in one place, frozen and
 * exported, so that tools built on tokenward (the `tokenward` CLI among them) show and apply the
 * same numbers as the verifier instead of copying them. Units follow the options: durations in
 * seconds, sizes in bytes.
 */

/** An accepted range, both ends included unless `exclusiveMin`. */
export interface Range {
  readonly min: number;
  readonly max: number;
  /** `min` itself is not accepted (the value must be greater). */
  readonly exclusiveMin?: boolean;
}

const range = (min: number, max: number, exclusiveMin?: true): Range =>
  Object.freeze(exclusiveMin ? { min, max, exclusiveMin } : { min, max });

/** The value each verifier setting has when it is not given. */
export const DEFAULTS = Object.freeze({
  /** Signature algorithms accepted: what the vendor's servers sign with. */
  algorithms: Object.freeze(['RS256']) as readonly string[],
  /** Seconds of clock skew allowed for `exp`, `nbf` and `iat`. */
  clockTolerance: 30,
  /** Largest token accepted, in bytes. */
  maxTokenSize: 8192,
  /** Seconds for a whole discovery or JWKS exchange (connect, headers, body). */
  httpTimeout: 5,
  /** Seconds a key set stays fresh when its response sets no `Cache-Control: max-age`. */
  jwksCacheMaxAge: 600,
  /** Seconds discovery metadata is reused before it is fetched again. */
  discoveryCacheMaxAge: 3600,
  /** Seconds after a key-set fetch during which an unknown `kid` causes no further fetch. */
  jwksCooldown: 30,
  /** Seconds past expiry the last good key set serves known `kid`s while refreshing fails. */
  staleIfError: 3600,
  /** Verified tokens kept by the result cache. */
  resultCacheMax: 10_000,
  /** Largest discovery document read, in bytes. */
  maxDiscoveryBytes: 64 * 1024,
  /** Largest JWK Set read, in bytes. */
  maxJwksBytes: 512 * 1024,
  /** Most keys read from one JWK Set. */
  maxJwksKeys: 100,
  /** Entries `createMemoryStore` keeps, for `markOnce` and for the cache each. */
  memoryStoreMax: 100_000,
  /** `realm` of the `WWW-Authenticate` challenges. */
  realm: 'api',
  /** Seconds after its `iat` a DPoP proof is still accepted (`dpop.maxProofAge`). */
  dpopMaxProofAge: 60,
  /** Seconds a DPoP proof's `iat` may lie in the future (`dpop.clockSkew`). */
  dpopClockSkew: 5,
  /**
   * DPoP proof algorithms (`dpop.algorithms`): every asymmetric one tokenward verifies, elliptic
   * curves first, as clients mostly use them.
   */
  dpopAlgorithms: Object.freeze([
    'ES256',
    'ES384',
    'ES512',
    'EdDSA',
    'PS256',
    'PS384',
    'PS512',
    'RS256',
    'RS384',
    'RS512',
  ]) as readonly string[],
  /** Seconds in `Retry-After` of a 503 when no better estimate is known. */
  retryAfter: 30,
  /**
   * Seconds a token may live from `iat` to `exp`, for the vendor's servers (org and custom), which
   * issue tokens for 5 minutes to 24 hours; other issuers have no limit unless one is set.
   */
  maxTokenLifetime: 86_400,
  /** Seconds an introspection answer is reused at most (never past the token's `exp`). */
  introspectionCacheMaxAge: 60,
  /** Seconds an `active: false` answer is reused; `0`: inactive answers are not cached. */
  introspectionNegativeCacheAge: 0,
  /** Largest introspection response read, in bytes. */
  maxIntrospectionBytes: 16 * 1024,
});

/** The ranges the options accept (a value outside throws `ERR_CONFIG`), and the fixed bounds. */
export const LIMITS = Object.freeze({
  clockTolerance: range(0, 300),
  maxTokenSize: range(256, 65_536),
  httpTimeout: range(0, 60, true),
  jwksCacheMaxAge: range(60, 86_400),
  discoveryCacheMaxAge: range(60, 86_400),
  jwksCooldown: range(0, 3600),
  staleIfError: range(0, 86_400),
  resultCacheMax: range(1, 1_000_000),
  // lru-cache allocates its slots up front: two stores of a million entries are already a few hundred MB.
  memoryStoreMax: range(1, 1_000_000),
  dpopMaxProofAge: range(1, 600),
  dpopClockSkew: range(0, 60),
  /**
   * Seconds a key set's `Cache-Control: max-age` is clamped to: shorter would turn requests into
   * fetches, longer would pin a revoked key for days.
   */
  keySetLifetime: range(60, 86_400),
  /** Bits of an RSA modulus: RFC 7518 §3.3's minimum, and a ceiling on the cost of one verify. */
  rsaModulusBits: range(2048, 8192),
  /** Deepest nesting of objects and arrays in a token's header or claims. */
  jsonDepth: range(1, 20),
  /**
   * An RSA public exponent: odd and at least 3 (below, signatures are forgeable), at most 32 bits
   * (65537 is what servers use; a larger one only slows each verify).
   */
  rsaExponent: range(3, 2 ** 32 - 1),
  /** Characters of a `WWW-Authenticate` value: past a client's or proxy's limit a 401 is unreadable. */
  challengeLength: range(1, 1024),
  /** Seconds an introspection answer may be reused: `0` asks on every request; past an hour, revocation means little. */
  introspectionCacheMaxAge: range(0, 3600),
  /** Seconds an `active: false` answer may be reused. */
  introspectionNegativeCacheAge: range(0, 300),
  /** Bytes of an introspection response. */
  maxIntrospectionBytes: range(1024, 1024 * 1024),
  /** Seconds of a `Retry-After` an introspection endpoint sends that are passed on to clients. */
  retryAfter: range(1, 3600),
});
