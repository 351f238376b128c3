import { type ChallengeSchemes, DEFAULT_REALM, type ErrorCode, isTokenwardError } from './errors.js';
import { QUOTED_LENGTH, quote } from './lib/quote.js';

/**
 * Typed events for logging and metrics (`onEvent` option). Handlers run synchronously; an
 * exception thrown by a handler, or a promise it returns that rejects, is swallowed so
 * observability can never break verification. Strings taken from a token (`kid`) are shortened
 * and escaped, as in messages, so a log line cannot be forged through them.
 */
export type TokenwardEvent =
  | { type: 'discovery_fetched'; issuer: string; url: string; durationMs: number }
  | { type: 'discovery_failed'; issuer: string; url: string; code: ErrorCode; message: string }
  | {
      type: 'jwks_fetched';
      issuer: string;
      url: string;
      keys: number;
      maxAgeSeconds: number;
      durationMs: number;
      reason: JwksFetchReason;
    }
  | { type: 'jwks_refresh_failed'; issuer: string; url: string; code: ErrorCode; message: string }
  | { type: 'jwks_stale_served'; issuer: string; url: string; staleForSeconds: number }
  /** Key material is about to be fetched over plain http from a host that is not loopback (`allowInsecureHttp`). */
  | { type: 'insecure_http'; issuer: string; url: string }
  | { type: 'jwks_cooldown'; issuer: string; kid: string | undefined; retryInSeconds: number }
  /** The authorization server was asked about a token (RFC 7662); not sent for cache hits. */
  | { type: 'introspected'; issuer: string; url: string; active: boolean; durationMs: number }
  /**
   * Introspection failed: the endpoint could not be reached, timed out, answered 5xx or 429, or
   * sent an answer that is not an introspection response. Callers got 503 `ERR_INTROSPECTION_FAILED`.
   */
  | {
      type: 'introspection_failed';
      issuer: string;
      url: string | undefined;
      status: number | undefined;
      message: string;
    }
  /**
   * The introspection endpoint refused this API's own client credentials (401 or 403): fix
   * `introspection.clientId` and its secret or key. Callers got 503, never a 401.
   */
  | {
      type: 'introspection_credentials_refused';
      issuer: string;
      url: string;
      status: number;
      clientId: string;
    }
  /** An issuer's keys were restored from the `snapshot` option; their age counts from their original fetch. */
  | { type: 'snapshot_restored'; issuer: string; keys: number; ageSeconds: number }
  /** The `snapshot` option (or an issuer's part of it) could not be used: those keys are fetched instead. */
  | { type: 'snapshot_rejected'; issuer: string | undefined; reason: string }
  | {
      type: 'verification_failed';
      /** The configured issuer the token named, once known. */
      issuer: string | undefined;
      code: ErrorCode;
      message: string;
      /**
       * For `ERR_ISSUER_MISMATCH` and `ERR_ORG_SERVER_TOKEN`: the issuers this verifier trusts,
       * which the message (seen by clients) deliberately leaves out.
       */
      trustedIssuers?: readonly string[];
    }
  /** The DPoP replay store rejected (the request got 503): `message` is its error's. */
  | { type: 'replay_store_failed'; message: string };

/** Why a key set was fetched. */
export type JwksFetchReason = 'initial' | 'expired' | 'unknown_kid' | 'warm';

/** A handler may be `async`: what it returns is not awaited, and a rejected promise is ignored. */
export type EventHandler = (event: TokenwardEvent) => void;

/**
 * Calls the handler, if any, shielding the caller from exceptions it throws and from a rejected
 * promise it returns (unhandled, that would end a Node process on a junk token).
 */
export function emit(handler: EventHandler | undefined, event: TokenwardEvent): void {
  if (handler === undefined) return;
  try {
    const returned: unknown = handler(event);
    if (isThenable(returned)) returned.then(undefined, ignore);
  } catch {
    // Deliberately ignored: a broken logger must not turn into a 401 or a 503.
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function ignore(): void {}

/**
 * A `kid` from a token as events carry it: quoted as messages quote it (cut to
 * `QUOTED_LENGTH.kid`, JSON escapes) without the quotes, and non-ASCII as `\uXXXX` too.
 */
export function eventText(value: string): string {
  return quote(value, QUOTED_LENGTH.kid)
    .slice(1, -1)
    .replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * What both verifiers do with a failure before the caller sees it: one `verification_failed`
 * event naming the issuer once the token was routed to one (never the token), with the trusted
 * issuers when the token's issuer was refused (the message leaves them out), and the verifier's
 * realm (and, when it accepts DPoP, its schemes) on the error. A misconfiguration (`ERR_CONFIG`) is a programming error, not a verdict on
 * a token, and passes through untouched, as does anything that is not a `TokenwardError`.
 */
export function reportVerificationFailure(
  onEvent: EventHandler | undefined,
  realm: string,
  error: unknown,
  issuer: string | undefined,
  trustedIssuers: readonly string[],
  challenges?: ChallengeSchemes,
): unknown {
  if (!isTokenwardError(error) || error.code === 'ERR_CONFIG') return error;
  const event = { type: 'verification_failed', issuer, code: error.code, message: error.message } as const;
  const issuerRefused = error.code === 'ERR_ISSUER_MISMATCH' || error.code === 'ERR_ORG_SERVER_TOKEN';
  emit(onEvent, issuerRefused ? { ...event, trustedIssuers } : event);
  const inRealm = realm === DEFAULT_REALM ? error : error.withRealm(realm);
  return challenges === undefined ? inRealm : inRealm.withChallenges(challenges);
}
