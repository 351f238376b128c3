/**
 * What a verified token's registered claims may hold, before any of them is compared with the
 * configuration: their types (RFC 7519 §4.1), NumericDates that a `Date` can show, identifiers
 * that identify something, the claims every access token must carry (RFC 9068 §2.2), and scopes
 * that say one thing.
 */
import { TokenwardError } from '../../errors.js';
import type { AccessTokenClaims } from '../../types.js';
import { quote } from '../quote.js';

/**
 * The largest NumericDate accepted, in seconds: the last instant an ECMAScript `Date` can hold
 * (ECMA-262 §21.4.1.1, 8.64e15 ms), well inside the safe-integer range. Anything later is not a
 * time a token can mean, and would turn `expiresAt` into an Invalid Date.
 */
export const MAX_NUMERIC_DATE = 8_640_000_000_000;

/** The types registered members are held to, by their definitions (RFC 7519 §4.1, RFC 7662 §2.2). */
export type ClaimType =
  | 'NumericDate'
  | 'string'
  | 'non-empty string'
  | 'string or string array'
  | 'string array'
  | 'JSON object';

/** A member whose value has another type than its definition's, as a message words it. */
export interface TypeProblem {
  readonly name: string;
  /** What it must be: `a NumericDate (seconds, 0 to 8640000000000)`, `a string array`, ... */
  readonly expected: string;
  /** What it is: `string`, `null`, `-5`, ... (a type, or a NumericDate's number; never a string's text). */
  readonly found: string;
}

/** Claims every token must carry: `exp` (a token that never expires cannot be revoked by time), `sub`, `aud`. */
export const ALWAYS_REQUIRED = Object.freeze(['exp', 'sub', 'aud']);
/** RFC 9068 §2.2 adds `iat`; the vendor's servers always send it, so its absence marks a forgery or another kind of token. */
export const VENDOR_REQUIRED = Object.freeze([...ALWAYS_REQUIRED, 'iat']);

/**
 * Presence of `required`, then the types of the registered claims, then that no two of them
 * contradict each other ({@link contradiction}).
 */
export function checkClaimTypes(
  payload: Record<string, unknown>,
  required: readonly string[] = ALWAYS_REQUIRED,
): AccessTokenClaims {
  for (const name of required) {
    if (payload[name] === undefined) {
      throw new TokenwardError(
        'ERR_CLAIM_MISSING',
        `token has no "${name}" claim; access tokens must carry it`,
      );
    }
  }
  const problem = registeredTypeProblem(payload);
  if (problem !== undefined) {
    throw new TokenwardError(
      'ERR_CLAIM_INVALID',
      `claim "${problem.name}" must be ${problem.expected}; found ${problem.found}`,
    );
  }
  const contradicted = contradiction(payload);
  if (contradicted !== undefined) {
    throw new TokenwardError('ERR_CLAIM_INVALID', contradictionMessage(contradicted, payload));
  }
  return payload as AccessTokenClaims;
}

/** Two members that say one thing, by name: the scopes, or the client. */
export type Contradiction =
  | readonly ['scp', 'scope']
  | readonly ['cid', 'client_id']
  | readonly ['cid' | 'client_id', 'azp'];

/**
 * The first two members that say one thing and disagree, in claims (or an introspection answer)
 * whose types were checked; `undefined` when none do. Two parsers reading different ones would
 * authorize different things from one token:
 *
 * - `scp` and `scope` granting different sets of scopes (order and repeats do not count):
 *   `scopes` merges both while a route's claim requirement or another consumer may read either.
 * - `cid` and `client_id` naming different clients: `clientId` reads `cid` first while others
 *   read `client_id` (RFC 9068 §2.2).
 * - `azp` (OIDC Core §2), the client claim of many servers' access tokens and the one
 *   introspection falls back to, naming another client than `cid`/`client_id` beside it.
 */
export function contradiction(payload: Readonly<Record<string, unknown>>): Contradiction | undefined {
  const { scp, scope, cid, client_id, azp } = payload;
  if (scp !== undefined && scope !== undefined && !sameScopes(scp as string[], scope as string)) {
    return ['scp', 'scope'];
  }
  if (cid !== undefined && client_id !== undefined && cid !== client_id) return ['cid', 'client_id'];
  if (azp === undefined) return undefined;
  const client = cid ?? client_id;
  if (client === undefined || azp === client) return undefined;
  return [cid === undefined ? 'client_id' : 'cid', 'azp'];
}

/** A token's refusal for `contradicted` (already found in `payload`). */
function contradictionMessage(
  contradicted: Contradiction,
  payload: Readonly<Record<string, unknown>>,
): string {
  const [first, second] = contradicted;
  if (second === 'scope') {
    return 'claims "scp" and "scope" both list scopes, and they differ; a token must grant one set of scopes';
  }
  if (second === 'client_id') {
    return 'claims "cid" and "client_id" both name the client, and they differ; a token must name one client';
  }
  // Non-empty strings: their types were checked.
  return `expected claim "azp", when present, to name the client of "${first}" (${quote(payload[first] as string)}); found ${quote(payload.azp as string)}`;
}

/**
 * The first of the registered claims this library reads whose value has another type than its
 * definition's, or `undefined` when all of them that are present have theirs.
 */
export function registeredTypeProblem(payload: Readonly<Record<string, unknown>>): TypeProblem | undefined {
  // Read by name (one property load each, where a loop over names would look every name up by key).
  const { exp, nbf, iat, auth_time, iss, sub, aud, jti, scp, scope, cid, client_id, azp } = payload;
  return (
    typeProblem('exp', exp, 'NumericDate') ??
    typeProblem('nbf', nbf, 'NumericDate') ??
    typeProblem('iat', iat, 'NumericDate') ??
    typeProblem('auth_time', auth_time, 'NumericDate') ??
    typeProblem('iss', iss, 'non-empty string') ??
    typeProblem('sub', sub, 'non-empty string') ??
    typeProblem('aud', aud, 'string or string array') ??
    typeProblem('jti', jti, 'string') ??
    typeProblem('scp', scp, 'string array') ??
    typeProblem('scope', scope, 'string') ??
    typeProblem('cid', cid, 'non-empty string') ??
    typeProblem('client_id', client_id, 'non-empty string') ??
    typeProblem('azp', azp, 'non-empty string')
  );
}

/** What is wrong with member `name`'s `value` when it is present without `type`; `undefined` otherwise. */
export function typeProblem(name: string, value: unknown, type: ClaimType): TypeProblem | undefined {
  if (value === undefined || hasType(value, type)) return undefined;
  return { name, expected: article(type), found: describe(value, type) };
}

function hasType(value: unknown, type: ClaimType): boolean {
  switch (type) {
    case 'NumericDate':
      // RFC 7519 §2: seconds since the epoch; fractions are allowed, negative times are not.
      return typeof value === 'number' && value >= 0 && value <= MAX_NUMERIC_DATE;
    case 'string':
      return typeof value === 'string';
    case 'non-empty string':
      return typeof value === 'string' && value !== '';
    case 'string array':
      return isStringArray(value);
    case 'string or string array':
      return typeof value === 'string' || isStringArray(value);
    case 'JSON object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

function isStringArray(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

function sameScopes(scp: readonly string[], scope: string): boolean {
  const fromScope = new Set(scope.split(' ').filter((value) => value !== ''));
  const fromScp = new Set(scp);
  return fromScope.size === fromScp.size && [...fromScp].every((value) => fromScope.has(value));
}

function acceptsArrays(type: ClaimType): boolean {
  return type === 'string array' || type === 'string or string array';
}

function article(type: ClaimType): string {
  return type === 'NumericDate' ? `a NumericDate (seconds, 0 to ${MAX_NUMERIC_DATE})` : `a ${type}`;
}

function describe(value: unknown, type: ClaimType): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return acceptsArrays(type) ? 'an array with other values' : 'an array';
  if (value === '') return 'an empty string';
  if (type === 'NumericDate' && typeof value === 'number') return `${value}`.slice(0, 30);
  return typeof value;
}

/**
 * `exp - iat` at most `maxLifetime` seconds (the `maxTokenLifetime` option): a token minted to
 * live for years is a stolen signing key's or a misconfigured server's, not a normal one.
 */
export function checkLifetime(claims: AccessTokenClaims, maxLifetime: number | undefined): void {
  if (maxLifetime === undefined) return;
  if (claims.iat === undefined) {
    throw new TokenwardError(
      'ERR_CLAIM_MISSING',
      'token has no "iat" claim, needed to check maxTokenLifetime',
    );
  }
  const lifetime = claims.exp - claims.iat;
  if (lifetime > maxLifetime) {
    throw new TokenwardError(
      'ERR_CLAIM_INVALID',
      `token lives ${Math.round(lifetime)} s from "iat" to "exp"; at most ${maxLifetime} s are accepted (maxTokenLifetime)`,
    );
  }
}
