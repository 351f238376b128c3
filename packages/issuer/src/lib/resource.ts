/** How a token's audience follows from RFC 8707 resource indicators. */
export type ResourceResult = { ok: true; resources: string[] } | { ok: false; description: string };

/**
 * RFC 8707 §2: each `resource` is an absolute URI without a fragment (a query is allowed, if
 * discouraged). Values are kept exactly as sent: they become the token's `aud`.
 */
export function parseResources(values: readonly string[]): ResourceResult {
  for (const value of values) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return { ok: false, description: `resource must be an absolute URI, found "${value}"` };
    }
    if (value.includes('#') || url.hash !== '') {
      return { ok: false, description: `resource must not contain a fragment, found "${value}"` };
    }
  }
  return { ok: true, resources: [...new Set(values)] };
}

/** The `aud` for these resources: one resource as a string, several as an array, none: `undefined`. */
export function audienceFor(resources: readonly string[]): string | string[] | undefined {
  if (resources.length === 0) return undefined;
  return resources.length === 1 ? resources[0] : [...resources];
}
