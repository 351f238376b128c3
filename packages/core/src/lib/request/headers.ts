/**
 * Reading request header fields from whatever a framework hands over: Node's header record
 * (`IncomingHttpHeaders`), a Fetch `Headers`, or Node's raw lines (name, value, name, value, …).
 */

/** A Fetch-style header map: one combined value per name, `null` when absent. */
export interface HeaderGetter {
  get(name: string): string | null;
}

/** Header name → value(s), names matched case-insensitively (Node's `IncomingHttpHeaders`). */
export type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The header parts of a request: a record or `Headers`, raw lines, or both. */
export interface HeaderSource {
  readonly headers?: HeaderRecord | HeaderGetter | undefined;
  readonly rawHeaders?: readonly string[] | undefined;
}

/** All values of a header (`lowerCaseName` is lower case), from `headers` when given, else the raw lines. */
export function headerValues(source: HeaderSource, lowerCaseName: string): string[] {
  const { headers, rawHeaders } = source;
  if (headers === undefined) return rawHeaders === undefined ? [] : rawValues(rawHeaders, lowerCaseName);
  if (isHeaderGetter(headers)) {
    const value = headers.get(lowerCaseName);
    return value === null ? [] : [value];
  }
  const values: string[] = [];
  for (const name in headers) {
    if (name.toLowerCase() !== lowerCaseName) continue;
    const value = headers[name];
    if (typeof value === 'string') values.push(value);
    else if (value !== undefined) values.push(...value);
  }
  return values;
}

/** The first value of a header, or `undefined`. */
export function headerValue(source: HeaderSource, lowerCaseName: string): string | undefined {
  return headerValues(source, lowerCaseName)[0];
}

/**
 * How many field lines of a header the raw lines hold; a pass that allocates nothing, as it runs
 * per request. Node keeps only the first of repeated `Authorization` lines in its header record.
 */
export function countRawLines(rawHeaders: readonly string[], lowerCaseName: string): number {
  let count = 0;
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!;
    // Field names are case-insensitive (RFC 9110 section 5.1); the length test spares lower-casing the rest.
    if (name.length === lowerCaseName.length && name.toLowerCase() === lowerCaseName) count += 1;
  }
  return count;
}

function rawValues(rawHeaders: readonly string[], lowerCaseName: string): string[] {
  const values: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!;
    if (name.length === lowerCaseName.length && name.toLowerCase() === lowerCaseName) {
      values.push(rawHeaders[index + 1]!);
    }
  }
  return values;
}

function isHeaderGetter(headers: HeaderRecord | HeaderGetter): headers is HeaderGetter {
  return typeof (headers as Partial<HeaderGetter>).get === 'function';
}
