/** Parsed form or query parameters. */
export interface Params {
  /** The value of a parameter (the first one for a repeatable parameter). */
  get(name: string): string | undefined;
  has(name: string): boolean;
  /** Every value of a parameter, in request order; `[]` when absent. */
  getAll(name: string): readonly string[];
}

export type ParamsResult = { ok: true; params: Params } | { ok: false; description: string };

/** Parameters that may appear more than once: RFC 8707 §2 resource indicators. */
const REPEATABLE = new Set(['resource']);

class ParamList implements Params {
  constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  get(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  getAll(name: string): readonly string[] {
    return this.values.get(name) ?? [];
  }
}

/**
 * Parses `application/x-www-form-urlencoded` text. RFC 6749 §3.1/§3.2: parameters sent without a
 * value are treated as omitted and a parameter MUST NOT be included more than once, except the
 * ones RFC 8707 lets a client repeat.
 */
export function parseParams(text: string): ParamsResult {
  const values = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(text)) {
    const known = values.get(name);
    if (known && !REPEATABLE.has(name)) return { ok: false, description: `Parameter "${name}" is repeated` };
    if (value === '') continue;
    if (known) known.push(value);
    else values.set(name, [value]);
  }
  return { ok: true, params: new ParamList(values) };
}

/** Decodes a UTF-8 body, rejecting invalid byte sequences instead of replacing them. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
