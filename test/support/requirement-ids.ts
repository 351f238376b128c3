/**
 * What counts as an internal requirement ID in shipped text: the shape `[A-Z]{2,5}-[0-9]+` that
 * docs/security-requirements.md uses (`BCP-9`, `JOSE-3`, `IDT-13`), plus its vendor rows
 * (`MD-Okta`). Standard names of the same shape (SHA-256, UTF-8, ECMA-262, ISO-8601) are not IDs.
 */
const ID_SHAPE = /\b[A-Z]{2,5}-(?:[0-9]+|Okta)\b/g;
const STANDARD_NAMES = /^(?:SHA|UTF|ECMA|ISO)-[0-9]+$/;

/** Every requirement ID in `text`, in order of appearance. */
export function requirementIdsIn(text: string): string[] {
  return [...text.matchAll(ID_SHAPE)].map(([id]) => id).filter((id) => !STANDARD_NAMES.test(id));
}
