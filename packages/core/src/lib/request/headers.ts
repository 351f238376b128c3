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

const NO_VALUES: readonly string[] = Object.freeze([]);

/** All values of a header (`lowerCaseName` is lower case), from `headers` when given, else the raw lines. */
export function headerValues(source: HeaderSource, lowerCaseName: string): readonly string[] {
  const { headers, rawHeaders } = source;
  if (headers === undefined) {
    return rawHeaders === undefined ? NO_VALUES : rawValues(rawHeaders, lowerCaseName);
  }
  if (isHeaderGetter(headers)) {
    const value = headers.get(lowerCaseName);
    return value === null ? NO_VALUES : [value];
  }
  let values: string[] | undefined;
  for (const name in headers) {
    if (!isFieldName(name, lowerCaseName)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    values ??= [];
    if (typeof value === 'string') values.push(value);
    else values.push(...value);
  }
  return values ?? NO_VALUES;
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
    if (isFieldName(rawHeaders[index]!, lowerCaseName)) count += 1;
  }
  return count;
}

/**
 * Field names are case-insensitive (RFC 9110 section 5.1). Node's record and HTTP/2 names are
 * lower case already; the length test spares lower-casing every other name.
 */
function isFieldName(name: string, lowerCaseName: string): boolean {
  return (
    name === lowerCaseName || (name.length === lowerCaseName.length && name.toLowerCase() === lowerCaseName)
  );
}

/** Whether `method` is `upperCaseMethod`, compared case-insensitively as the request step always has. */
export function isMethod(method: string | undefined, upperCaseMethod: string): boolean {
  return (
    method === upperCaseMethod ||
    (method?.length === upperCaseMethod.length && method.toUpperCase() === upperCaseMethod)
  );
}

function rawValues(rawHeaders: readonly string[], lowerCaseName: string): readonly string[] {
  let values: string[] | undefined;
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    if (!isFieldName(rawHeaders[index]!, lowerCaseName)) continue;
    values ??= [];
    values.push(rawHeaders[index + 1]!);
  }
  return values ?? NO_VALUES;
}

function isHeaderGetter(headers: HeaderRecord | HeaderGetter): headers is HeaderGetter {
  return typeof (headers as Partial<HeaderGetter>).get === 'function';
}
