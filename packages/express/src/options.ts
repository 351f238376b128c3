import {
  type AccessTokenVerifierOptions,
  type ClaimRequirements,
  type ScopeMatch,
  TokenwardError,
} from '@tokenward/core';

/** Options of the Express adapter itself, beside the verifier's. */
export interface ExpressAuthOptions {
  /**
   * `realm` of every `WWW-Authenticate` challenge this middleware sends (RFC 6750 §3).
   * Default: core's `DEFAULT_REALM` (`'api'`). Example: `'orders-api'`.
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
   * `application/x-www-form-urlencoded` body (RFC 6750 §2.2; mount `express.urlencoded()` first).
   * Discouraged; the `Authorization` header is the method every client supports. Default `false`.
   */
  allowBody?: boolean;
  /** Scopes every request through this middleware needs, e.g. `['orders:read']`. Default: none. */
  scopes?: readonly string[];
  /** Whether `scopes` must all be granted or any one suffices. Default `'all'`. */
  scopeMatch?: ScopeMatch;
  /** Claim requirements checked on every request through this middleware. Default: none. */
  claims?: ClaimRequirements;
}

/** Everything `requireAuth(options)` takes: the verifier's options plus the adapter's. */
export type RequireAuthOptions = AccessTokenVerifierOptions & ExpressAuthOptions;

/** Splits one options object into the verifier's part and the adapter's part. */
export function splitOptions(options: RequireAuthOptions): {
  verifierOptions: AccessTokenVerifierOptions;
  adapterOptions: ExpressAuthOptions;
} {
  const { realm, allowQuery, allowBody, scopes, scopeMatch, claims, ...verifierOptions } = options;
  return { verifierOptions, adapterOptions: { realm, allowQuery, allowBody, scopes, scopeMatch, claims } };
}

/** Throws `ERR_CONFIG`, naming the option, for any adapter option of the wrong shape. */
export function validateAdapterOptions(options: ExpressAuthOptions): void {
  if (options.realm !== undefined && (typeof options.realm !== 'string' || options.realm === '')) {
    throw configError(`realm must be a non-empty string; got ${describe(options.realm)}`);
  }
  for (const name of ['allowQuery', 'allowBody'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') {
      throw configError(`${name} must be a boolean; got ${describe(options[name])}`);
    }
  }
  if (options.scopes !== undefined) validateScopeList(options.scopes, 'scopes');
  validateScopeMatch(options.scopeMatch, 'scopeMatch');
  if (options.claims !== undefined) validateClaimRequirements(options.claims, 'claims');
}

export function validateScopeList(scopes: unknown, name: string): asserts scopes is readonly string[] {
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw configError(`${name} must be a non-empty array of scope names; got ${describe(scopes)}`);
  }
  for (const scope of scopes) {
    // RFC 6749 §3.3: a scope token is one or more visible ASCII characters other than `"` and `\`.
    if (typeof scope !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) {
      throw configError(`${name} must hold scope names (RFC 6749 §3.3); got ${describe(scope)}`);
    }
  }
}

export function validateScopeMatch(match: unknown, name: string): void {
  if (match !== undefined && match !== 'all' && match !== 'any') {
    throw configError(`${name} must be 'all' or 'any'; got ${describe(match)}`);
  }
}

export function validateClaimRequirements(requirements: unknown, name: string): void {
  if (typeof requirements !== 'object' || requirements === null || Array.isArray(requirements)) {
    throw configError(`${name} must be an object of claim requirements; got ${describe(requirements)}`);
  }
  if (Object.keys(requirements).length === 0) {
    throw configError(`${name} must name at least one claim`);
  }
}

function configError(message: string): TokenwardError {
  return new TokenwardError('ERR_CONFIG', message);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  return value === null ? 'null' : typeof value;
}
