/**
 * Scopes: the vendor's `scp` (array) and RFC 9068's `scope` (space-separated, RFC 8693 §4.2)
 * normalise to one list (DESIGN rule 6), and routes require all or any of a list of scopes.
 */
import { TokenwardError } from './errors.js';
import { configError, found } from './lib/options/option-checks.js';
import type { AccessTokenClaims, ScopeMatch } from './types.js';

/** `scp` then `scope`, in token order, without repeats. Claim types are already checked. */
export function scopesOf(claims: AccessTokenClaims): readonly string[] {
  const { scp, scope } = claims;
  // The usual vendor token: a short frozen `scp` (a parsed token's claims are frozen) that is
  // already the answer, so nothing is copied.
  if (scope === undefined && scp !== undefined && Object.isFrozen(scp) && isShortAndDistinct(scp)) {
    return scp;
  }
  const scopes = new Set<string>(scp ?? []);
  if (scope !== undefined) {
    for (const name of scope.split(' ')) if (name !== '') scopes.add(name);
  }
  return Object.freeze([...scopes]);
}

/** Lists this short are compared pairwise, cheaper than a set; longer ones go through the set. */
const PAIRWISE_LIMIT = 8;

function isShortAndDistinct(list: readonly string[]): boolean {
  if (list.length > PAIRWISE_LIMIT) return false;
  for (let index = 1; index < list.length; index += 1) {
    if (list.indexOf(list[index]!) < index) return false;
  }
  return true;
}

/**
 * Throws `ERR_INSUFFICIENT_SCOPE` (403, `scope="..."` in the challenge, RFC 6750 §3.1) unless the
 * result has every scope of `required` (`'all'`, the default) or at least one (`'any'`).
 * An empty `required` always passes.
 * @example checkScopes(req.auth, ['orders:read'])
 */
export function checkScopes(
  result: { readonly scopes: readonly string[] },
  required: readonly string[],
  match: ScopeMatch = 'all',
): void {
  if (match !== 'all' && match !== 'any')
    throw configError(`\`scopeMatch\` must be 'all' or 'any'; found ${found(match)}`);
  if (required.length === 0) return;
  const missing = required.filter((scope) => !result.scopes.includes(scope));
  const satisfied = match === 'all' ? missing.length === 0 : missing.length < required.length;
  if (satisfied) return;
  const message =
    match === 'all'
      ? `token lacks scope${missing.length > 1 ? 's' : ''} ${missing.join(' ')}; required: ${required.join(' ')}`
      : `token has none of the scopes ${required.join(' ')}; one is required`;
  throw new TokenwardError('ERR_INSUFFICIENT_SCOPE', message, { requiredScopes: required });
}
