/**
 * Public types of DPoP (RFC 9449) at a resource server: the `dpop` option, the parts of a request
 * `verify` needs to check a proof, and what an accepted proof adds to the result.
 */
import type { HeaderGetter, HeaderRecord } from './lib/request/headers.js';
import type { ReplayStore } from './store.js';

/** `'allowed'`: Bearer and DPoP both accepted; `'required'`: only DPoP-bound tokens with a proof. */
export type DpopMode = 'allowed' | 'required';

/**
 * The `dpop` option of `createAccessTokenVerifier`. Without it the verifier takes bearer tokens
 * only, and still refuses a DPoP-bound token (`cnf.jkt`) sent as one.
 */
export interface DpopOptions {
  /**
   * `'allowed'`: bearer tokens and DPoP-bound tokens with proofs are both accepted (a bound token
   * always needs its proof). `'required'`: only DPoP-bound tokens with proofs.
   */
  readonly mode: DpopMode;
  /**
   * The API's external origin(s) as clients address it, the only bases a proof's `htu` may have:
   * `https://host[:port]` (`http` only for loopback), lower case, no path. Required unless
   * `trustForwardedHeaders` is set; the `Host` header is never used, since the client chose it.
   * @example ['https://api.example.com']
   */
  readonly origins?: readonly string[];
  /**
   * Take the origin from `X-Forwarded-Proto` and `X-Forwarded-Host` (their first values): `true`
   * when only your proxy can reach the API and it always sets them, or a list of the proxies' peer
   * addresses (exact IPs, e.g. `['10.0.0.5']`) to trust them from those only. With `origins` set
   * too, the forwarded origin must be one of them. Default `false`.
   */
  readonly trustForwardedHeaders?: boolean | readonly string[];
  /** Seconds after its `iat` a proof is still accepted. Range 1–600. Default `60`. */
  readonly maxProofAge?: number;
  /** Seconds a proof's `iat` may lie in the future (clock skew). Range 0–60. Default `5`. */
  readonly clockSkew?: number;
  /**
   * Proof signature algorithms accepted, announced in challenges as `algs`. Asymmetric only:
   * `none` and `HS*` are never accepted. Default: ES256, ES384, ES512, EdDSA, PS256, PS384,
   * PS512, RS256, RS384, RS512.
   */
  readonly algorithms?: readonly string[];
  /**
   * Secrets (at least 32 characters each, at most 4, the current one first) for stateless server
   * nonces (RFC 9449 section 9): proofs must then carry a recent nonce from this API, given in the
   * `DPoP-Nonce` header of a 401 `use_dpop_nonce`. Every instance with the same secrets accepts
   * every other's nonces; rotate by putting a new secret first and keeping the old one second.
   * Default: no nonces.
   */
  readonly nonceKeys?: readonly string[];
  /**
   * Where accepted proofs are remembered so that a second use is refused. Default: an in-memory
   * store, correct for one process only; several instances must share one (`createRedisStore`
   * from `@tokenward/redis`). A store that cannot answer makes requests fail with 503.
   */
  readonly replayStore?: ReplayStore;
}

/** The parts of a request `verify(token, { dpop })` needs to check its DPoP proof. */
export interface DpopRequest {
  /** The value(s) of the request's `DPoP` header; exactly one is accepted. */
  readonly proof: string | readonly string[] | undefined;
  /** The request method, e.g. `'GET'`, compared with `htm` exactly. */
  readonly method: string;
  /**
   * The request target as received: a path with optional query (`/orders?id=1`, e.g. Node's
   * `req.url`) or an absolute URL. Only its path is used, read by RFC 3986 as `htu` is (a target
   * WHATWG URL would repair, such as `/a\b`, is refused); the origin comes from `dpop.origins`.
   */
  readonly url: string;
  /**
   * The request headers (Node's header record or a Fetch `Headers`), read for `X-Forwarded-*`
   * only when `dpop.trustForwardedHeaders` allows.
   */
  readonly headers?: HeaderRecord | HeaderGetter;
  /** The peer address of the connection, for `trustForwardedHeaders` given as a proxy list. */
  readonly remoteAddress?: string;
}

/** What an accepted DPoP proof adds to the verification result. */
export interface DpopResult {
  /** RFC 7638 thumbprint of the proof key, equal to the token's `cnf.jkt`. */
  readonly thumbprint: string;
  /**
   * A fresh server nonce to send as the `DPoP-Nonce` response header (RFC 9449 section 8.2), present
   * when the client's nonce is about to stop being accepted.
   */
  readonly nonce?: string;
}

/** How a verifier takes DPoP, for adapters building challenges. */
export interface DpopSettings {
  readonly mode: DpopMode;
  /** The proof algorithms accepted (`algs` in challenges). */
  readonly algorithms: readonly string[];
}
