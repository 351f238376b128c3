/** Per-route claim requirements (`claims` of `verify`, the adapters' `requireClaims`). */
import { TokenwardError } from './errors.js';
import { quote } from './lib/quote.js';
import { readClaimRequirements } from './requirements.js';
import type { ClaimPrimitive, ClaimRequirement, ClaimRequirements } from './types.js';

/**
 * Throws `ERR_CLAIM_MISSING` when a required claim is absent and `ERR_CLAIM_INVALID` when it does
 * not satisfy its requirement (see `ClaimRequirement`). Messages name the claim and what was
 * expected, not the value found (claims may hold personal data). Every requirement's shape is
 * checked before any claim is looked at, so a malformed one always throws `ERR_CONFIG`, whatever
 * the token carries; an exception thrown by a predicate propagates unchanged.
 * @example checkClaims(req.auth, { tier: 'gold', groups: { includes: 'admins' } })
 */
export function checkClaims<Claims extends Readonly<Record<string, unknown>>>(
  result: { readonly claims: Claims },
  requirements: ClaimRequirements<Claims>,
): void {
  checkValidClaims(result, readClaimRequirements<Claims>(requirements, 'checkClaims'));
}

/** {@link checkClaims} for requirements already returned by `validateAuthRequirements`. */
export function checkValidClaims<Claims extends Readonly<Record<string, unknown>>>(
  result: { readonly claims: Claims },
  requirements: ClaimRequirements<Claims>,
): void {
  for (const [name, requirement] of Object.entries(requirements)) {
    checkRequirement(name, requirement, result.claims);
  }
}

function checkRequirement<Claims extends Readonly<Record<string, unknown>>>(
  name: string,
  requirement: ClaimRequirement<Claims>,
  claims: Claims,
): void {
  // Own members only: `constructor` or `toString` must not count as claims a token carries.
  const value = Object.hasOwn(claims, name) ? claims[name] : undefined;
  if (value === undefined) {
    throw new TokenwardError('ERR_CLAIM_MISSING', `token has no "${name}" claim, which this route requires`);
  }
  if (typeof requirement === 'function') {
    if (requirement(value, claims) !== true) {
      throw new TokenwardError(
        'ERR_CLAIM_INVALID',
        `claim "${name}" does not satisfy this route's requirement`,
      );
    }
    return;
  }
  if (typeof requirement !== 'object') {
    if (value !== requirement) {
      throw new TokenwardError(
        'ERR_CLAIM_INVALID',
        `expected claim "${name}" to equal ${quote(requirement)}`,
      );
    }
    return;
  }
  const wanted: readonly unknown[] = Array.isArray(requirement.includes)
    ? requirement.includes
    : [requirement.includes];
  if (!Array.isArray(value)) {
    throw new TokenwardError(
      'ERR_CLAIM_INVALID',
      `expected claim "${name}" to be an array; found ${typeof value}`,
    );
  }
  const absent = wanted.filter((item) => !value.includes(item));
  if (absent.length > 0) {
    throw new TokenwardError(
      'ERR_CLAIM_INVALID',
      `expected claim "${name}" to include ${absent.map((item) => quote(item as ClaimPrimitive)).join(', ')}`,
    );
  }
}
