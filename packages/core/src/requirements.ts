/**
 * The one check of per-route requirements `{ scopes, scopeMatch, claims }`, shared by `verify`,
 * `checkClaims` and both adapters, so every entry point refuses the same mistakes in the same words.
 */

import { isScopeToken } from './challenge-text.js';
import { configError, found, unknownOption } from './lib/options/option-checks.js';
import type { AuthRequirements, ClaimRequirement, ClaimRequirements } from './types.js';

export const REQUIREMENT_NAMES: ReadonlySet<string> = new Set([
  'scopes',
  'scopeMatch',
  'claims',
  'acrValues',
  'maxAge',
]);
// Frozen results of this check: handed back (to `verify` on every request), they need no second look.
const VALIDATED = new WeakSet<object>();

/**
 * Checks route requirements and returns a frozen copy of them, so a later change to the caller's
 * object cannot slip an unchecked requirement past this check. A member set to `undefined` counts
 * as absent; `{}` (no requirements) is valid. Throws `TokenwardError` `ERR_CONFIG` whose message
 * starts with `where` and names the member: a plain object; no unknown members; `scopes` a
 * non-empty array of RFC 6749 §3.3 scope tokens; `scopeMatch` `'all'` or `'any'`; `claims` an
 * object naming at least one claim, each requirement a string, a finite number, a boolean,
 * `{ includes: value | [value, ...] }` or a function.
 *
 * @param where - the place the requirements were declared, for the message, e.g. `'requireScopes'`
 * @example
 * const requirements = validateAuthRequirements({ scopes: ['orders:read'] }, 'config.auth of GET /orders');
 */
export function validateAuthRequirements(value: unknown, where: string): AuthRequirements {
  if (typeof value === 'object' && value !== null && VALIDATED.has(value)) {
    return value as AuthRequirements;
  }
  if (!isPlainRecord(value)) {
    throw configError(
      `${where}: expected an object of { scopes, scopeMatch, claims }; found ${found(value)}`,
    );
  }
  for (const name of Object.keys(value)) {
    if (!REQUIREMENT_NAMES.has(name)) {
      throw configError(`${where}: ${unknownOption(name, REQUIREMENT_NAMES)}`);
    }
  }
  const { scopes, scopeMatch, claims, acrValues, maxAge } = value;
  if (scopeMatch !== undefined && scopeMatch !== 'all' && scopeMatch !== 'any') {
    throw configError(`${where}: \`scopeMatch\` must be 'all' or 'any'; found ${found(scopeMatch)}`);
  }
  const requirements: AuthRequirements = Object.freeze({
    ...(scopes === undefined ? {} : { scopes: scopeList(scopes, where) }),
    ...(scopeMatch === undefined ? {} : { scopeMatch }),
    ...(claims === undefined ? {} : { claims: readClaimRequirements(claims, where) }),
    ...(acrValues === undefined ? {} : { acrValues: acrValueList(acrValues, `${where}: \`acrValues\``) }),
    ...(maxAge === undefined ? {} : { maxAge: maxAgeSeconds(maxAge, where) }),
  });
  VALIDATED.add(requirements);
  return requirements;
}

/** The `claims` member of {@link validateAuthRequirements}: checked, copied and frozen. */
export function readClaimRequirements<Claims>(value: unknown, where: string): ClaimRequirements<Claims> {
  if (!isPlainRecord(value)) {
    throw configError(
      `${where}: \`claims\` must be an object of claim requirements, e.g. { tier: 'gold' }; found ${found(value)}`,
    );
  }
  const entries = Object.entries(value);
  if (entries.length === 0) {
    throw configError(`${where}: \`claims\` must name at least one claim; found an empty object`);
  }
  // fromEntries defines own members, so a claim named `__proto__` stays a claim.
  return Object.freeze(
    Object.fromEntries(
      entries.map(([name, requirement]) => [
        name,
        claimRequirement<Claims>(requirement, `${where}: \`claims.${name}\``),
      ]),
    ),
  );
}

/** `acr` values (RFC 9470 section 3): a non-empty list of strings a quoted challenge can carry. */
export function acrValueList(value: unknown, label: string): readonly string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.some((acr) => typeof acr !== 'string' || !isScopeToken(acr))
  ) {
    throw configError(
      `${label} must be a non-empty array of acr values (visible ASCII without spaces, " or \\), e.g. ['phrh']; found ${found(value)}`,
    );
  }
  return Object.freeze([...new Set(value as string[])]);
}

function maxAgeSeconds(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw configError(
      `${where}: \`maxAge\` must be a whole number of seconds, 0 or more, e.g. 300; found ${found(value)}`,
    );
  }
  return value;
}

function scopeList(value: unknown, where: string): readonly string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw configError(
      `${where}: \`scopes\` must be a non-empty array of scope tokens (RFC 6749 section 3.3); found ${found(value)}`,
    );
  }
  // Indexed, not `map`: `map` skips the holes of a sparse array.
  const scopes: string[] = [];
  for (let index = 0; index < value.length; index += 1) {
    const scope: unknown = value[index];
    if (typeof scope !== 'string' || !isScopeToken(scope)) {
      throw configError(
        `${where}: \`scopes[${index}]\` must be a scope token, visible ASCII without spaces, " or \\ (RFC 6749 section 3.3); found ${found(scope)}`,
      );
    }
    scopes.push(scope);
  }
  return Object.freeze(scopes);
}

function claimRequirement<Claims>(value: unknown, label: string): ClaimRequirement<Claims> {
  if (typeof value === 'function') return value as ClaimRequirement<Claims>;
  if (isClaimValue(value)) return value;
  if (isPlainRecord(value) && Object.keys(value).length === 1 && Object.hasOwn(value, 'includes')) {
    const { includes } = value;
    if (isClaimValue(includes)) return Object.freeze({ includes });
    const wanted: unknown[] = Array.isArray(includes) ? [...includes] : [];
    if (wanted.length > 0 && wanted.every(isClaimValue))
      return Object.freeze({ includes: Object.freeze(wanted) });
  }
  throw configError(
    `${label} must be a string, a finite number, a boolean, { includes: value or non-empty array of values } or a function; found ${found(value)}`,
  );
}

/** A value a claim can equal: a token's claims are JSON, so never `NaN` or `Infinity`. */
function isClaimValue(value: unknown): value is string | number | boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/** An object literal (or `Object.create(null)`) from any realm; not an array, class instance or Map. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}
