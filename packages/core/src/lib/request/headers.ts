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
  return toList(headerField(source, lowerCaseName));
}

/** The first value of a header, or `undefined`. */
export function headerValue(source: HeaderSource, lowerCaseName: string): string | undefined {
  const field = headerField(source, lowerCaseName);
  return typeof field === 'string' ? field : field?.[0];
}

/**
 * A header as {@link headerValues} finds it, for the request step's hot path: one value as a bare
 * string (the usual case, which then costs no array), several as a list (an empty list: none),
 * absent as `undefined`.
 */
export function headerField(
  source: HeaderSource,
  lowerCaseName: string,
): string | readonly string[] | undefined {
  const { headers, rawHeaders } = source;
  if (headers === undefined) {
    return rawHeaders === undefined ? undefined : rawField(rawHeaders, lowerCaseName);
  }
  if (isHeaderGetter(headers)) return headers.get(lowerCaseName) ?? undefined;
  // Every spelling of the name counts (a record built by hand may hold `Authorization` beside
  // `authorization`), so the whole record is read.
  let field: string | string[] | undefined;
  for (const name in headers) {
    if (!isFieldName(name, lowerCaseName)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (field === undefined && typeof value === 'string') field = value;
    else field = [...toList(field), ...toList(value)];
  }
  return field;
}

function toList(field: string | readonly string[] | undefined): readonly string[] {
  return field === undefined ? NO_VALUES : typeof field === 'string' ? [field] : field;
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

function rawField(
  rawHeaders: readonly string[],
  lowerCaseName: string,
): string | readonly string[] | undefined {
  let field: string | string[] | undefined;
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    if (!isFieldName(rawHeaders[index]!, lowerCaseName)) continue;
    const value = rawHeaders[index + 1]!;
    if (field === undefined) field = value;
    else if (typeof field === 'string') field = [field, value];
    else field.push(value);
  }
  return field;
}

function isHeaderGetter(headers: HeaderRecord | HeaderGetter): headers is HeaderGetter {
  return typeof (headers as Partial<HeaderGetter>).get === 'function';
}
