import {
  type AccessTokenVerifierOptions,
  type ClaimRequirements,
  type ScopeMatch,
  TokenwardError,
  type VerifyAccessTokenOptions,
  validateAuthRequirements,
} from '@tokenward/core';

/** Options of the Express adapter itself, beside the verifier's. */
export interface ExpressAuthOptions {
  /**
   * `realm` of every `WWW-Authenticate` challenge (RFC 6750 §3): printable ASCII without `"` or `\`.
   * Given with verifier options, the verifier uses it too; given beside a verifier, it replaces that
   * verifier's realm in this middleware's answers. Default: the verifier's `realm` (core's `'api'`
   * unless the verifier was built with another).
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

/**
 * Throws `ERR_CONFIG`, naming the option, for any adapter option of the wrong shape. `scopes`,
 * `scopeMatch` and `claims` are checked by core's `validateAuthRequirements`, whose frozen copy
 * is returned; `where` is the middleware's name, for messages.
 */
export function validateAdapterOptions(options: ExpressAuthOptions, where: string): VerifyAccessTokenOptions {
  const { realm, allowQuery, allowBody, scopes, scopeMatch, claims } = options;
  if (realm !== undefined && (typeof realm !== 'string' || !REALM.test(realm))) {
    throw configError(`${where}: \`realm\` must be printable ASCII without " or \\; found ${found(realm)}`);
  }
  if (allowQuery !== undefined && typeof allowQuery !== 'boolean') {
    throw configError(`${where}: \`allowQuery\` must be a boolean; found ${found(allowQuery)}`);
  }
  if (allowBody !== undefined && typeof allowBody !== 'boolean') {
    throw configError(`${where}: \`allowBody\` must be a boolean; found ${found(allowBody)}`);
  }
  return validateAuthRequirements({ scopes, scopeMatch, claims }, where);
}

function configError(message: string): TokenwardError {
  return new TokenwardError('ERR_CONFIG', `tokenward: ${message}`);
}

function found(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value;
}
