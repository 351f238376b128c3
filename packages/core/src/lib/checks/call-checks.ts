/** The per-call requirements of `verify(token, { scopes, scopeMatch, claims })`. */

import { checkValidClaims } from '../../claim-requirements.js';
import { validateAuthRequirements } from '../../requirements.js';
import { checkScopes } from '../../scopes.js';
import type { AccessTokenResult, VerifyAccessTokenOptions } from '../../types.js';

/** `verify`'s requirements after {@link readCallChecks} accepted them. */
export type CallChecks = VerifyAccessTokenOptions;

/**
 * Checks `verify`'s options (`ERR_CONFIG`: a programming error, never a 401). Omitted or `{}`
 * means no extra requirements; an empty `scopes` or `claims` is refused, as by the adapters.
 */
export function readCallChecks(options: unknown): CallChecks | undefined {
  return options === undefined ? undefined : validateAuthRequirements(options, 'verify');
}

/** Applies requirements returned by {@link readCallChecks}. */
export function applyCallChecks(result: AccessTokenResult, checks: CallChecks | undefined): void {
  if (checks === undefined) return;
  if (checks.scopes !== undefined) checkScopes(result, checks.scopes, checks.scopeMatch ?? 'all');
  if (checks.claims !== undefined) checkValidClaims(result, checks.claims);
}
