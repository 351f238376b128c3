/**
 * The request step's way into a verifier of this library, beside its public `verify`: the answer
 * without a promise whenever nothing has to wait (its keys imported, a synchronous signature
 * check, nothing to fetch or ask), so a request costs no promise and no microtask hop per adapter
 * layer; and whether a token was verified before, so a repeated token skips the request step's
 * syntax scan. Same checks, same errors and events as `verify`, which stays the public way in.
 */
import type { AccessTokenResult, AccessTokenVerifier, VerifyAccessTokenOptions } from '../../types.js';

/** `verify`'s answer as a value, or thrown, when it is ready now; else `verify`'s promise. */
export type VerifyNow = (
  token: string,
  options?: VerifyAccessTokenOptions,
) => AccessTokenResult | Promise<AccessTokenResult>;

/** What the request step may ask a verifier of this library besides `verify`. */
export interface VerifierTwin {
  readonly now: VerifyNow;
  /**
   * Whether exactly this token passed every check of this verifier before and its result is
   * still held (`undefined`: the verifier keeps no results). Only a well-formed token can have
   * passed, so a `true` answers the token's syntax; its validity is still checked by `now`.
   */
  readonly verifiedBefore: ((token: string) => boolean) | undefined;
}

// Keyed by the `verify` function itself: a verifier whose `verify` was replaced (a wrapper, a spy,
// `{ ...verifier, verify }`) has no twin, and the request step then calls the replacement.
const twins = new WeakMap<AccessTokenVerifier['verify'], VerifierTwin>();

/** Gives `verifier.verify` its twin; returns the verifier. */
export function withTwin<Verifier extends AccessTokenVerifier>(
  verifier: Verifier,
  twin: VerifierTwin,
): Verifier {
  twins.set(verifier.verify, twin);
  return verifier;
}

/** The twin of the verifier's `verify`, or `undefined` (a replaced `verify`, another installed copy of core). */
export function twinOf(verifier: AccessTokenVerifier): VerifierTwin | undefined {
  return twins.get(verifier.verify);
}

/** Asks the verifier through its twin, or through `verify` when it has none. */
export function verifyNow(
  verifier: AccessTokenVerifier,
  twin: VerifierTwin | undefined,
  token: string,
  options: VerifyAccessTokenOptions | undefined,
): AccessTokenResult | Promise<AccessTokenResult> {
  return twin === undefined ? verifier.verify(token, options) : twin.now(token, options);
}
