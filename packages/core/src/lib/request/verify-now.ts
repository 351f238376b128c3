/**
 * The verifier's answer without a promise whenever nothing has to wait (its keys imported, a
 * synchronous signature check, nothing to fetch or ask), for the request step's hot path: a
 * request then costs no promise and no microtask hop per adapter layer. Same checks, same errors
 * and events as `verify`, which stays the public way in.
 */
import type { AccessTokenResult, AccessTokenVerifier, VerifyAccessTokenOptions } from '../../types.js';

/** `verify`'s answer as a value, or thrown, when it is ready now; else `verify`'s promise. */
export type VerifyNow = (
  token: string,
  options?: VerifyAccessTokenOptions,
) => AccessTokenResult | Promise<AccessTokenResult>;

// Keyed by the `verify` function itself: a verifier whose `verify` was replaced (a wrapper, a spy,
// `{ ...verifier, verify }`) has no twin, and the request step then calls the replacement.
const twins = new WeakMap<AccessTokenVerifier['verify'], VerifyNow>();

/** Gives `verifier.verify` its promise-free twin `now`; returns the verifier. */
export function withVerifyNow<Verifier extends AccessTokenVerifier>(
  verifier: Verifier,
  now: VerifyNow,
): Verifier {
  twins.set(verifier.verify, now);
  return verifier;
}

/**
 * Asks the verifier through the promise-free twin of its `verify`, or through `verify` when it
 * has none (a replaced `verify`, a verifier of another installed copy of core).
 */
export function verifyNow(
  verifier: AccessTokenVerifier,
  token: string,
  options: VerifyAccessTokenOptions | undefined,
): AccessTokenResult | Promise<AccessTokenResult> {
  const now = twins.get(verifier.verify);
  return now === undefined ? verifier.verify(token, options) : now(token, options);
}
