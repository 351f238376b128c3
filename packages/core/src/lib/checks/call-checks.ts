/** The per-call requirements of `verify(token, { scopes, scopeMatch, claims })`. */

import { checkValidClaims } from '../../claim-requirements.js';
import { DEFAULTS } from '../../defaults.js';
import { validateAuthRequirements } from '../../requirements.js';
import { checkScopes } from '../../scopes.js';
import type { AccessTokenResult, VerifyAccessTokenOptions } from '../../types.js';
import { checkStepUp } from './step-up.js';

// Route checks after verification (`checkAuthRequirements`) know no verifier: the real clock, the
// default tolerance, and `acrValues` matched exactly.
const ROUTE_CHECK_CONTEXT: StepUpContext = Object.freeze({
  clock: () => Date.now(),
  clockTolerance: DEFAULTS.clockTolerance,
  acrLevels: undefined,
});

/** What the step-up check needs from the verifier: the time and its authentication levels. */
export interface StepUpContext {
  readonly clock: () => number;
  readonly clockTolerance: number;
  readonly acrLevels: readonly string[] | undefined;
}

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
export function applyCallChecks(
  result: AccessTokenResult,
  checks: CallChecks | undefined,
  context: StepUpContext = ROUTE_CHECK_CONTEXT,
): void {
  if (checks === undefined) return;
  if (checks.scopes !== undefined) checkScopes(result, checks.scopes, checks.scopeMatch ?? 'all');
  if (checks.claims !== undefined) checkValidClaims(result, checks.claims);
  if (checks.acrValues !== undefined || checks.maxAge !== undefined) {
    const requirement = {
      ...(checks.acrValues === undefined ? {} : { acrValues: checks.acrValues }),
      ...(checks.maxAge === undefined ? {} : { maxAge: checks.maxAge }),
    };
    checkStepUp(
      result.claims,
      requirement,
      context.acrLevels,
      context.clock() / 1000,
      context.clockTolerance,
    );
  }
}
