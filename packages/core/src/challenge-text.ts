/**
 * The text a `WWW-Authenticate` attribute value may hold, for every challenge tokenward's messages
 * go into: core's own, and those other code writes (the MCP SDK's bearer middleware); and the scope
 * tokens a `scope` attribute lists. One character class serves both, so they cannot drift apart.
 */

// Visible ASCII but `"` and `\`: %x21 / %x23-5B / %x5D-7E, the characters of a scope token
// (RFC 6749 section 3.3); an attribute value holds the space (%x20) too (RFC 6750 section 3).
const VISIBLE_BUT_QUOTE_AND_BACKSLASH = '\\x21\\x23-\\x5b\\x5d-\\x7e';
const NOT_ATTRIBUTE_CHARACTER = new RegExp(`[^\\x20${VISIBLE_BUT_QUOTE_AND_BACKSLASH}]`, 'g');
const ATTRIBUTE_TEXT = new RegExp(`^[\\x20${VISIBLE_BUT_QUOTE_AND_BACKSLASH}]+$`);
const SCOPE_TOKEN = new RegExp(`^[${VISIBLE_BUT_QUOTE_AND_BACKSLASH}]+$`);

/**
 * `value` with every character a challenge attribute may not hold (`"`, `\`, control characters,
 * anything outside printable ASCII; RFC 6750 section 3) replaced by `'`, so that it can stand between
 * the quotes of `error_description="..."` as it is. Messages quote token values in JSON syntax; an
 * unreplaced `"` would end the quoted-string early, and a character outside Latin-1 makes Node
 * refuse the header.
 *
 * @example `Bearer error="invalid_token", error_description="${challengeAttributeText(error.message)}"`
 */
export function challengeAttributeText(value: string): string {
  return value.replace(NOT_ATTRIBUTE_CHARACTER, "'");
}

/** Whether `value` is non-empty and may stand in a challenge attribute as it is (a `realm`, say). */
export function isChallengeAttributeText(value: string): boolean {
  return ATTRIBUTE_TEXT.test(value);
}

/**
 * Whether `value` is one scope token (RFC 6749 section 3.3): one or more characters of visible
 * ASCII but `"` and `\`. A space separates scope tokens, so `'orders:read orders:write'` is two.
 *
 * @example isScopeToken('orders:read') // true
 */
export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}
