/**
 * The one way a value is quoted in a message: JSON string syntax (so quotes, backslashes and
 * control characters are escaped and the value's edges are visible), cut to a named length and
 * marked with an ASCII "..." (messages also travel in `WWW-Authenticate`, which stays ASCII).
 * Token content is untrusted and may be long; a message must stay readable and bounded.
 */

/** Longest quoted value, in characters, by where the value came from. */
export const QUOTED_LENGTH = Object.freeze({
  /** Read from a token or a fetched document: a claim, `alg`, `typ`, `iss`, a key set member. */
  untrusted: 80,
  /** A token's `kid`: long enough for the usual thumbprints and UUIDs. */
  kid: 64,
  /** A value the caller passed as an option, echoed back in `ERR_CONFIG`. */
  option: 60,
  /** A configured issuer or audience, or a URL tokenward fetches. */
  configured: 200,
});

/** Items of a list a message names before it summarises the rest (audiences, skipped keys). */
export const LISTED_ITEMS = 5;

/**
 * `value` in JSON syntax, cut to `maxLength` characters with "..." when longer. Numbers, booleans
 * and `null` (claim values a route may require) are written as JSON writes them.
 */
export function quote(
  value: string | number | boolean | null,
  maxLength: number = QUOTED_LENGTH.untrusted,
): string {
  const text = typeof value === 'string' ? value : String(value);
  if (typeof value !== 'string') return text.length > maxLength ? `${text.slice(0, maxLength)}...` : text;
  return JSON.stringify(value.length > maxLength ? `${value.slice(0, maxLength)}...` : value);
}

/** The first {@link LISTED_ITEMS} of `values`, quoted, joined by `separator`, with a count of the rest. */
export function quoteList(values: readonly string[], separator: string, maxLength?: number): string {
  const shown = values.slice(0, LISTED_ITEMS).map((value) => quote(value, maxLength));
  const rest = values.length - shown.length;
  return rest > 0 ? `${shown.join(separator)} (and ${rest} more)` : shown.join(separator);
}
