/**
 * The text a `WWW-Authenticate` attribute value may hold, for every challenge tokenward's messages
 * go into: core's own, and those other code writes (the MCP SDK's bearer middleware).
 */

// RFC 6750 section 3: a challenge attribute value holds %x20-21 / %x23-5B / %x5D-7E only.
const NOT_ATTRIBUTE_CHARACTER = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

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
