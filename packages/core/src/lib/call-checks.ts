/** The per-call requirements of `verify(token, { scopes, scopeMatch, claims })`. */
import type { AccessTokenResult, VerifyAccessTokenOptions } from '../types.js';
import { checkClaims } from './claim-requirements.js';
import { configError, found, isPlainObject, rejectUnknownNames, stringList } from './option-checks.js';
import { checkScopes } from './scopes.js';

const CALL_OPTION_NAMES: ReadonlySet<string> = new Set(['scopes', 'scopeMatch', 'claims']);

/** Checks the shape of `verify`'s options (`ERR_CONFIG`: a programming error, never a 401). */
export function readCallChecks(options: unknown): VerifyAccessTokenOptions | undefined {
  if (options === undefined) return undefined;
  if (!isPlainObject(options)) throw configError(`verify options must be an object; found ${found(options)}`);
  rejectUnknownNames(options, CALL_OPTION_NAMES, 'verify.');
  const { scopes, scopeMatch, claims } = options;
  if (scopes !== undefined) stringList(scopes, 'verify.scopes');
  if (scopeMatch !== undefined && scopeMatch !== 'all' && scopeMatch !== 'any') {
    throw configError(`\`verify.scopeMatch\` must be 'all' or 'any'; found ${found(scopeMatch)}`);
  }
  if (claims !== undefined && !isPlainObject(claims)) {
    throw configError(`\`verify.claims\` must be an object of claim requirements; found ${found(claims)}`);
  }
  return options as VerifyAccessTokenOptions;
}

export function applyCallChecks(
  result: AccessTokenResult,
  checks: VerifyAccessTokenOptions | undefined,
): void {
  if (checks === undefined) return;
  if (checks.scopes !== undefined) checkScopes(result, checks.scopes, checks.scopeMatch ?? 'all');
  if (checks.claims !== undefined) checkClaims(result, checks.claims);
}
