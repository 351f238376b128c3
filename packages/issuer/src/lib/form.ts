/** Parsed form or query parameters, each present at most once. */
export type Params = ReadonlyMap<string, string>;

export type ParamsResult = { ok: true; params: Params } | { ok: false; description: string };

/**
 * Parses `application/x-www-form-urlencoded` text. RFC 6749 §3.1/§3.2: parameters sent without a
 * value are treated as omitted and a parameter MUST NOT be included more than once.
 */
export function parseParams(text: string): ParamsResult {
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (params.has(name)) return { ok: false, description: `Parameter "${name}" is repeated` };
    if (value !== '') params.set(name, value);
  }
  return { ok: true, params };
}

/** Decodes a UTF-8 body, rejecting invalid byte sequences instead of replacing them. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
