import { DEFAULT_REALM, type ErrorCode, isTokenwardError } from './errors.js';

/**
 * Typed events for logging and metrics (`onEvent` option). Handlers run synchronously; an
 * exception thrown by a handler is swallowed so observability can never break verification.
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
  | { type: 'jwks_cooldown'; issuer: string; kid: string | undefined; retryInSeconds: number }
  | { type: 'verification_failed'; issuer: string | undefined; code: ErrorCode; message: string };

/** Why a key set was fetched. */
export type JwksFetchReason = 'initial' | 'expired' | 'unknown_kid' | 'warm';

export type EventHandler = (event: TokenwardEvent) => void;

/** Calls the handler, if any, shielding the caller from exceptions it throws. */
export function emit(handler: EventHandler | undefined, event: TokenwardEvent): void {
  if (handler === undefined) return;
  try {
    handler(event);
  } catch {
    // Deliberately ignored: a broken logger must not turn into a 401 or a 503.
  }
}

/**
 * What both verifiers do with a failure before the caller sees it: one `verification_failed`
 * event naming the issuer once the token was routed to one (never the token), and the verifier's
 * realm on the error. A misconfiguration (`ERR_CONFIG`) is a programming error, not a verdict on
 * a token, and passes through untouched, as does anything that is not a `TokenwardError`.
 */
export function reportVerificationFailure(
  onEvent: EventHandler | undefined,
  realm: string,
  error: unknown,
  issuer: string | undefined,
): unknown {
  if (!isTokenwardError(error) || error.code === 'ERR_CONFIG') return error;
  emit(onEvent, { type: 'verification_failed', issuer, code: error.code, message: error.message });
  return realm === DEFAULT_REALM ? error : error.withRealm(realm);
}
