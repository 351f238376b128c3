/**
 * Fetches one JWK Set and turns it into usable keys and a lifetime, or a coded failure:
 * `ERR_JWKS_FETCH_FAILED` when no key set came (network, timeout, any status but 200) and
 * `ERR_JWKS_INVALID` when the body is not a JWK Set at all. A set whose keys are all unusable
 * is still a key set: it is installed, and a token naming one of its keys is refused for that
 * key (401), not blamed on the server (503).
 */
import { TokenwardError } from '../../errors.js';
import type { Transport } from '../../runtime.js';
import { LISTED_ITEMS } from '../quote.js';
import { keySetLifetimeSeconds } from './cache-control.js';
import { fetchJsonObject } from './json-document.js';
import { quoteKid } from './key-index.js';
import { parseKeySet, type SkippedKey, type UsableKey } from './key-set.js';

export interface JwksFetchConfig {
  readonly transport: Transport;
  readonly algorithms: readonly string[];
  readonly httpTimeoutMs: number;
  readonly maxJwksBytes: number;
  readonly maxJwksKeys: number;
  /** Lifetime in seconds when the response carries no `max-age`. */
  readonly jwksCacheMaxAge: number;
}

export interface FetchedKeySet {
  readonly keys: readonly UsableKey[];
  readonly skipped: readonly SkippedKey[];
  /** Seconds the set stays fresh, from `Cache-Control` (clamped) or the configured default. */
  readonly lifetimeSeconds: number;
}

const REQUEST_HEADERS = { accept: 'application/jwk-set+json, application/json' } as const;

export async function fetchKeySet(
  config: JwksFetchConfig,
  url: string,
  options: { readonly revalidate: boolean },
): Promise<FetchedKeySet> {
  const result = await fetchJsonObject(config.transport, url, {
    maxBytes: config.maxJwksBytes,
    timeoutMs: config.httpTimeoutMs,
    headers: REQUEST_HEADERS,
    // On a refetch for an unknown `kid`, caches between us and the server must not answer with
    // the copy that lacks the new key (§4.13 "Cache lifetime").
    revalidate: options.revalidate,
  });
  if (!result.ok) {
    const code = result.kind === 'unavailable' ? 'ERR_JWKS_FETCH_FAILED' : 'ERR_JWKS_INVALID';
    throw new TokenwardError(code, `JWKS ${url} ${result.problem}`, { cause: result.cause });
  }
  const parsed = parseKeySet(result.value, config.algorithms, config.maxJwksKeys);
  if (!parsed.ok) throw new TokenwardError('ERR_JWKS_INVALID', `JWKS ${url} ${parsed.problem}`);
  const { usable, skipped } = parsed.selection;
  // RFC 7517 §4.1: a JWK is an object with "kty". A list without one is not a key set; keeping
  // it out keeps the last good keys in service (stale-if-error) instead of locking callers out.
  if (usable.length === 0 && !skipped.some((key) => key.isJwk)) {
    throw new TokenwardError(
      'ERR_JWKS_INVALID',
      `JWKS ${url} holds no JWK usable with the allowed algorithms (${config.algorithms.join(', ')})` +
        describeSkipped(skipped),
    );
  }
  const lifetimeSeconds = keySetLifetimeSeconds(
    result.response.header('cache-control'),
    result.response.header('age'),
    config.jwksCacheMaxAge,
  );
  return { keys: usable, skipped, lifetimeSeconds };
}

function describeSkipped(skipped: readonly SkippedKey[]): string {
  if (skipped.length === 0) return '; it lists no keys';
  const listed = skipped
    .slice(0, LISTED_ITEMS)
    .map(
      (key) => `${key.kid === undefined ? 'a key without kid' : `kid ${quoteKid(key.kid)}`} ${key.reason}`,
    );
  const more = skipped.length > LISTED_ITEMS ? `; and ${skipped.length - LISTED_ITEMS} more` : '';
  return `; skipped: ${listed.join('; ')}${more}`;
}
