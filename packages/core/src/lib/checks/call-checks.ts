/** The per-call requirements of `verify(token, { scopes, scopeMatch, claims, acrValues, maxAge, dpop })`. */

import { checkValidClaims } from '../../claim-requirements.js';
import { DEFAULTS } from '../../defaults.js';
import type { DpopRequest } from '../../dpop.js';
import { validateAuthRequirements } from '../../requirements.js';
import { checkScopes } from '../../scopes.js';
import type { AccessTokenResult, VerifyAccessTokenOptions } from '../../types.js';
import { configError, found } from '../options/option-checks.js';
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
export type CallChecks = Omit<VerifyAccessTokenOptions, 'dpop'>;

/** `verify`'s options, read: the route's requirements and, for the DPoP scheme, the request's DPoP parts. */
export interface CallOptions {
  readonly checks: CallChecks | undefined;
  readonly dpop: DpopRequest | undefined;
}

const NO_CALL_OPTIONS: CallOptions = Object.freeze({ checks: undefined, dpop: undefined });

/**
 * Checks `verify`'s options (`ERR_CONFIG`: a programming error, never a 401). Omitted or `{}`
 * means no extra requirements; an empty `scopes` or `claims` is refused, as by the adapters.
 */
export function readCallChecks(options: unknown): CallOptions {
  if (options === undefined) return NO_CALL_OPTIONS;
  if (typeof options !== 'object' || options === null || !('dpop' in options)) {
    return { checks: validateAuthRequirements(options, 'verify'), dpop: undefined };
  }
  const { dpop, ...requirements } = options as VerifyAccessTokenOptions;
  return { checks: validateAuthRequirements(requirements, 'verify'), dpop: readDpopRequest(dpop) };
}

function readDpopRequest(value: unknown): DpopRequest | undefined {
  if (value === undefined) return undefined;
  const request = value as Partial<DpopRequest> | null;
  if (
    typeof request !== 'object' ||
    request === null ||
    typeof request.method !== 'string' ||
    typeof request.url !== 'string'
  ) {
    throw configError(
      `verify: \`dpop\` must be { proof, method, url, headers?, remoteAddress? }; found ${found(value)}`,
    );
  }
  return request as DpopRequest;
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
