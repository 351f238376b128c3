/**
 * Options of `createAccessTokenVerifier`. Every option is validated when the verifier is
 * created; a bad value throws `TokenwardError` `ERR_CONFIG` naming the option.
 */
import type { DpopOptions } from './dpop.js';
import type { EventHandler } from './events.js';
import type { IntrospectionOptions } from './introspection.js';
import type { KeySetSnapshot } from './key-snapshot.js';
import type { Transport } from './runtime.js';

/** One trusted issuer and what its tokens must say, with overrides of the verifier-wide settings. */
export interface IssuerOptions {
  /**
   * Issuer identifier, compared with `iss` character for character (RFC 9068 §4). `https` (plain `http`
   * only for loopback hosts), no query or fragment. A custom authorization server
   * (`https://{domain}/oauth2/{id}`) or, with `orgServerRules: false`, another vendor's issuer.
   * An org server (bare origin) is refused: its access tokens are for the vendor's own APIs.
   * @example 'https://acme.okta.com/oauth2/default'
   */
  readonly issuer: string;
  /**
   * Audience(s) this API answers to; `aud` must contain one of them (RFC 8725 §3.9). Required,
   * unless the verifier's `resource` is set (then the resource is the audience).
   * @example 'api://default'
   */
  readonly audience: string | readonly string[];
  /**
   * JWK Set URL, skipping discovery. `https`, same origin as the issuer unless the origin is in
   * `allowedJwksOrigins`. Default: `jwks_uri` from the issuer's metadata.
   * @example 'https://acme.okta.com/oauth2/default/v1/keys'
   */
  readonly jwksUri?: string;
  /** Overrides the verifier-wide `allowedJwksOrigins` for this issuer. */
  readonly allowedJwksOrigins?: readonly string[];
  /** Overrides the verifier-wide `algorithms` for this issuer. */
  readonly algorithms?: readonly string[];
  /**
   * INSECURE, for development only: fetch this issuer's discovery document and keys over plain
   * `http` from a host that is not loopback (e.g. a compose service `http://keycloak:8080/realms/dev`).
   * Anyone on the network path can then substitute keys and mint tokens this API accepts. Every
   * such fetch emits an `insecure_http` event. Loopback hosts (`localhost`, 127.0.0.0/8, `::1`)
   * need no opt-in. Default `false`.
   * @example true
   */
  readonly allowInsecureHttp?: boolean;
}

/** Settings shared by every issuer of a verifier. */
export interface VerifierSettings {
  /**
   * Signature algorithms accepted, compared case-sensitively with the header's `alg` (RFC 8725 §3.1).
   * Any of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA; `none` and `HS*`
   * are never accepted. Default `['RS256']` (what the vendor's servers sign with).
   * @example ['RS256', 'ES256']
   */
  readonly algorithms?: readonly string[];
  /**
   * Seconds of clock skew allowed when checking `exp`, `nbf` and `iat`. Range 0–300. Default `30`.
   * @example 60
   */
  readonly clockTolerance?: number;
  /**
   * Seconds after `iat` beyond which a token is refused, whatever its `exp`; tokens must then
   * carry `iat`. Greater than 0. Default: no limit.
   * @example 3600
   */
  readonly maxTokenAge?: number;
  /**
   * Longest lifetime a token may claim, in seconds from `iat` to `exp`; a longer-lived token is
   * refused (`ERR_CLAIM_INVALID`) and tokens must then carry `iat`. Greater than 0, or `false` for
   * no limit. Default: `86400` (24 h, the most the vendor's servers issue) for custom
   * authorization servers (`https://{domain}/oauth2/{id}`, and org servers where they are
   * accepted); no limit for other issuers.
   * @example 3600
   */
  readonly maxTokenLifetime?: number | false;
  /**
   * Largest token accepted, in bytes; larger tokens are refused before any parsing.
   * Range 256–65536. Default `8192`.
   */
  readonly maxTokenSize?: number;
  /**
   * Claims every token must carry (by name), on top of `iss`, `sub`, `aud` and `exp`.
   * Default `[]`.
   * @example ['jti', 'iat']
   */
  readonly requiredClaims?: readonly string[];
  /**
   * `'at+jwt'` requires RFC 9068 explicit typing: header `typ` `at+jwt` or `application/at+jwt`
   * (case-insensitive, RFC 9068 §4). Default: `typ` may be absent, `JWT` or `at+jwt` (the vendor's access
   * tokens carry none); ID tokens are refused by their claims either way.
   */
  readonly typ?: 'at+jwt';
  /**
   * Origins (`https://host[:port]`) other than the issuer's own that `jwks_uri` may point to.
   * Default `[]`.
   * @example ['https://keys.example.com']
   */
  readonly allowedJwksOrigins?: readonly string[];
  /**
   * Apply the org/custom authorization-server rules: an issuer that is a bare origin is an org
   * server, refused at construction, and its tokens are refused with `ERR_ORG_SERVER_TOKEN`.
   * `false` treats bare-origin issuers as generic (`kind: 'other'`), for vendors whose issuers are
   * bare origins. Default `true`.
   */
  readonly orgServerRules?: boolean;
  /**
   * Seconds allowed for a whole discovery or JWKS exchange (connect, headers, body) before it is
   * aborted. Range greater than 0 to 60. Default `5`.
   */
  readonly httpTimeout?: number;
  /**
   * Seconds a key set is used when the response sets no `Cache-Control: max-age`. Range 60–86400.
   * Default `600`.
   */
  readonly jwksCacheMaxAge?: number;
  /** Seconds a discovery document is reused. Range 60–86400. Default `3600`. */
  readonly discoveryCacheMaxAge?: number;
  /**
   * Seconds after a key-set fetch during which an unknown `kid` does not trigger another fetch
   * (per issuer). Range 0–3600. Default `30`.
   */
  readonly jwksCooldown?: number;
  /**
   * Seconds past expiry a key set may still serve known `kid`s while refreshing it fails.
   * Range 0–86400. Default `3600`.
   */
  readonly staleIfError?: number;
  /**
   * A key-set snapshot to start from: what `verifier.snapshot()` returned, parsed from where it
   * was kept (KV, the Cache API, a deploy-time variable), so a cold isolate verifies without a
   * fetch. Each configured issuer it holds starts with those keys and that discovery result,
   * checked like fetched ones and as old as when they were fetched (freshness and stale-if-error
   * count from then). What cannot be used (another version, a key failing the checks, a `jwksUri`
   * on a foreign origin, too old) is reported as a `snapshot_rejected` event and fetched instead.
   * Only public keys are in it, but treat it like configuration: whoever can write it chooses the
   * keys this verifier trusts. `null` or absent: none; anything but an object is `ERR_CONFIG`.
   * @example snapshot: await env.KEYS.get('tokenward-keys', 'json')
   */
  readonly snapshot?: KeySetSnapshot | null;
  /**
   * Cache of verified tokens: a repeated token skips decoding and the signature check but still
   * has its times and per-call requirements checked. `false` disables it.
   * `max` is the number of tokens kept, 1–1000000. Default `{ max: 10000 }`.
   */
  readonly resultCache?: { readonly max?: number } | false;
  /**
   * A `fetch` for discovery and JWKS requests (e.g. one with a proxy, or a test double). In the
   * Node entry it replaces the undici transport. Default: the global `fetch` (web entry), an undici
   * agent (Node entry). Not together with `transport`.
   */
  readonly fetch?: typeof globalThis.fetch;
  /** A complete transport for discovery and JWKS requests. Not together with `fetch`. */
  readonly transport?: Transport;
  /** Current time in epoch milliseconds, for tests. Default `Date.now`. */
  readonly clock?: () => number;
  /** Receives events for logging and metrics; exceptions it throws are ignored. */
  readonly onEvent?: EventHandler;
  /**
   * `realm` of the `WWW-Authenticate` challenges of the errors this verifier raises. Printable
   * ASCII without `"` or `\`. Default `'api'`.
   */
  readonly realm?: string;
  /**
   * Authentication levels (`acr` values) from weakest to strongest, for step-up routes (RFC 9470):
   * with it, a route's `acrValues: ['loa2']` also accepts a token signed in at `loa3`. Without it,
   * a route's `acrValues` are matched exactly.
   * @example ['urn:example:loa:1', 'urn:example:loa:2', 'urn:example:loa:3']
   */
  readonly acrLevels?: readonly string[];
  /**
   * This API's own URL as a protected resource (RFC 8707, RFC 9728), e.g. an MCP server's
   * endpoint. Tokens must name it in `aud` (it is the audience when `audience` is omitted, and a
   * given `audience` must include it); `protectedResourceMetadata(verifier)` publishes it. Stored in
   * canonical form: lower-case scheme and host, no default port, no fragment or query, no trailing
   * slash on a bare origin. https required except for loopback.
   * @example 'https://mcp.example.com/mcp'
   */
  readonly resource?: string;
  /**
   * Token introspection (RFC 7662) at the issuer's `introspection_endpoint`, for opaque tokens,
   * org-server tokens and revocation-sensitive APIs. Absent: JWTs only, checked locally.
   * @example { mode: 'fallback', clientId: '0oa...', clientSecret: process.env.INTROSPECTION_SECRET }
   */
  readonly introspection?: IntrospectionOptions;
  /**
   * Accept DPoP-bound tokens with their proofs (RFC 9449) beside, or instead of, bearer tokens.
   * Without it only bearer tokens are accepted, and a DPoP-bound token (`cnf.jkt`) sent as one is
   * still refused. See {@link DpopOptions}.
   * @example { mode: 'required', origins: ['https://api.example.com'] }
   */
  readonly dpop?: DpopOptions;
}

/** A verifier trusting one issuer. */
export interface SingleIssuerOptions extends VerifierSettings, IssuerOptions {
  readonly issuers?: never;
}

/**
 * One issuer, for an API known by its URL (RFC 8707 `resource`, e.g. an MCP server): the resource
 * is the audience, so `audience` may be omitted (given, it must include the resource).
 */
export interface SingleResourceOptions extends VerifierSettings, Omit<IssuerOptions, 'audience'> {
  readonly resource: string;
  readonly audience?: string | readonly string[];
  readonly issuers?: never;
}

/** A verifier trusting several issuers, each with its own audience and keys. */
export interface MultiIssuerOptions extends VerifierSettings {
  /** The issuers trusted, each at most once. */
  readonly issuers: readonly IssuerOptions[];
  readonly issuer?: never;
  readonly audience?: never;
  readonly jwksUri?: never;
}

/** Options of `createAccessTokenVerifier`: one issuer (`issuer`, `audience`) or several (`issuers`). */
export type AccessTokenVerifierOptions = SingleIssuerOptions | SingleResourceOptions | MultiIssuerOptions;

/**
 * Options of `createIntrospectionVerifier`: those of `createAccessTokenVerifier`, with an
 * `introspection` client that checks every token (no `mode`: every token is introspected, none is
 * checked locally).
 */
export type IntrospectionVerifierOptions = IntrospectingOnly<AccessTokenVerifierOptions>;

/** Each member of the options union with a required, mode-less `introspection` (distributes over the union). */
type IntrospectingOnly<Options> = Options extends unknown
  ? Omit<Options, 'introspection'> & { readonly introspection: Omit<IntrospectionOptions, 'mode'> }
  : never;
