import {
  type AccessTokenVerifierOptions,
  type ClaimRequirements,
  type ScopeMatch,
  TokenwardError,
} from '@tokenward/core';

/** Options of the Express adapter itself, beside the verifier's. */
export interface ExpressAuthOptions {
  /**
   * `realm` of every `WWW-Authenticate` challenge (RFC 6750 §3): printable ASCII without `"` or `\`.
   * Given with verifier options, the verifier uses it too. Default `'api'` (core's `DEFAULT_REALM`).
   * @example 'orders-api'
   */
  realm?: string;
  /**
   * Also accept the token as the `access_token` query parameter (RFC 6750 §2.3). Discouraged:
   * URLs end up in logs and browser history, and RFC 9700 §4.3.2 forbids clients to send tokens
   * this way. Default `false`.
   */
  allowQuery?: boolean;
  /**
   * Also accept the token as the `access_token` member of a parsed
   * `application/x-www-form-urlencoded` POST body (RFC 6750 §2.2; mount `express.urlencoded()`
   * first). Discouraged; the `Authorization` header is the method every client supports. Default `false`.
   */
  allowBody?: boolean;
  /** Scopes every request through this middleware needs. Default: none. @example ['orders:read'] */
  scopes?: readonly string[];
  /** Whether `scopes` must all be granted (`'all'`) or one suffices (`'any'`). Default `'all'`. */
  scopeMatch?: ScopeMatch;
  /** Claims every request through this middleware must carry. Default: none. @example { tier: 'gold' } */
  claims?: ClaimRequirements;
}

/** Everything `requireAuth(options)` takes: the verifier's options plus the adapter's. */
export type RequireAuthOptions = AccessTokenVerifierOptions & ExpressAuthOptions;

/** Splits one options object into the verifier's part and the adapter's part (`realm` goes to both). */
export function splitOptions(options: RequireAuthOptions): {
  verifierOptions: AccessTokenVerifierOptions;
  adapterOptions: ExpressAuthOptions;
} {
  const { allowQuery, allowBody, scopes, scopeMatch, claims, ...verifierOptions } = options;
  const adapterOptions = { realm: options.realm, allowQuery, allowBody, scopes, scopeMatch, claims };
  return { verifierOptions, adapterOptions };
}

// RFC 6750 §3: characters a quoted attribute value may hold.
const REALM = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;
// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Throws `ERR_CONFIG`, naming the option, for any adapter option of the wrong shape. */
export function validateAdapterOptions(options: ExpressAuthOptions): void {
  const { realm, allowQuery, allowBody, scopes, scopeMatch, claims } = options;
  if (realm !== undefined && (typeof realm !== 'string' || !REALM.test(realm))) {
    throw configError(`\`realm\` must be printable ASCII without " or \\; found ${found(realm)}`);
  }
  if (allowQuery !== undefined && typeof allowQuery !== 'boolean') {
    throw configError(`\`allowQuery\` must be a boolean; found ${found(allowQuery)}`);
  }
  if (allowBody !== undefined && typeof allowBody !== 'boolean') {
    throw configError(`\`allowBody\` must be a boolean; found ${found(allowBody)}`);
  }
  if (scopes !== undefined) validateScopeList(scopes, 'scopes');
  validateScopeMatch(scopeMatch, 'scopeMatch');
  if (claims !== undefined) validateClaimRequirements(claims, 'claims');
}

export function validateScopeList(scopes: unknown, name: string): void {
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw configError(`\`${name}\` must be a non-empty array of scope names; found ${found(scopes)}`);
  }
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw configError(`\`${name}\` must hold scope names (RFC 6749 §3.3); found ${found(scope)}`);
    }
  }
}

export function validateScopeMatch(match: unknown, name: string): void {
  if (match !== undefined && match !== 'all' && match !== 'any') {
    throw configError(`\`${name}\` must be 'all' or 'any'; found ${found(match)}`);
  }
}

/** The shapes core's `ClaimRequirement` allows, checked now rather than on the first request. */
export function validateClaimRequirements(requirements: unknown, name: string): void {
  if (typeof requirements !== 'object' || requirements === null || Array.isArray(requirements)) {
    throw configError(`\`${name}\` must be an object of claim requirements; found ${found(requirements)}`);
  }
  const entries = Object.entries(requirements);
  if (entries.length === 0) throw configError(`\`${name}\` must name at least one claim`);
  for (const [claim, requirement] of entries) {
    if (!isClaimRequirement(requirement)) {
      throw configError(
        `\`${name}.${claim}\` must be a string, number, boolean, { includes } or a function; found ${found(requirement)}`,
      );
    }
  }
}

function isClaimRequirement(value: unknown): boolean {
  if (typeof value === 'function' || isPrimitive(value)) return true;
  if (typeof value !== 'object' || value === null || Object.keys(value).length !== 1) return false;
  const { includes } = value as { includes?: unknown };
  return Array.isArray(includes) ? includes.length > 0 && includes.every(isPrimitive) : isPrimitive(includes);
}

function isPrimitive(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function configError(message: string): TokenwardError {
  return new TokenwardError('ERR_CONFIG', `tokenward: ${message}`);
}

function found(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  return value === null ? 'null' : typeof value;
}
