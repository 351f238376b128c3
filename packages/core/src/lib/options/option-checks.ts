/**
 * Small validators for options: each returns the checked value or throws `ERR_CONFIG` naming the
 * option, so every misconfiguration reads differently (no `node:assert`, whose failures all look alike).
 */
import type { Range } from '../../defaults.js';
import { TokenwardError } from '../../errors.js';
import { QUOTED_LENGTH, quote } from '../quote.js';

export function configError(message: string): TokenwardError {
  return new TokenwardError('ERR_CONFIG', `tokenward: ${message}`);
}

/** A short description of what was found, for messages. */
export function found(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return quote(value, QUOTED_LENGTH.option);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** `fallback` when `value` is undefined, else `value` checked by `check`. */
export function optional<T, D>(value: unknown, fallback: D, check: (value: unknown) => T): T | D {
  return value === undefined ? fallback : check(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws for any member of `value` not named in `known`. */
export function rejectUnknownNames(
  value: Record<string, unknown>,
  known: ReadonlySet<string>,
  where: string,
): void {
  for (const name of Object.keys(value)) {
    if (!known.has(name)) throw configError(unknownOption(name, known, where));
  }
}

/**
 * "unknown option `name`" (after `prefix`), the known name it most likely meant when one is close,
 * then every known name: a misspelling is the usual cause, and the list alone hides the fix.
 * @example unknownOption('scope', ['scopes', 'claims']) // unknown option `scope`; did you mean `scopes`? known options: scopes, claims
 */
export function unknownOption(name: string, known: Iterable<string>, prefix = ''): string {
  const names = [...known];
  const close = closeName(name, names);
  const hint = close === undefined ? ';' : `; did you mean \`${prefix}${close}\`?`;
  return `unknown option \`${prefix}${name}\`${hint} known options: ${names.join(', ')}`;
}

/**
 * The one of `names` that a misspelt `name` most likely meant (`scope` for `scopes`): at most two
 * edits away, case aside, the nearest first; `undefined` when none is that close.
 */
export function closeName(name: string, names: Iterable<string>): string | undefined {
  let closest: string | undefined;
  let fewest = 3;
  for (const candidate of names) {
    const edits = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (edits < fewest) [closest, fewest] = [candidate, edits];
  }
  return closest;
}

/** Levenshtein distance: the fewest insertions, deletions and substitutions from `a` to `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length]!;
}

export function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') {
    throw configError(`\`${name}\` must be a non-empty string; found ${found(value)}`);
  }
  return value;
}

/** A non-empty list of non-empty strings, or a single one. */
export function stringOrStringList(value: unknown, name: string): readonly string[] {
  if (typeof value === 'string') return [nonEmptyString(value, name)];
  const list = stringList(value, name);
  if (list.length === 0) throw configError(`\`${name}\` must not be empty`);
  return list;
}

export function stringList(value: unknown, name: string): readonly string[] {
  if (!Array.isArray(value))
    throw configError(`\`${name}\` must be an array of strings; found ${found(value)}`);
  return Object.freeze(value.map((item, index) => nonEmptyString(item, `${name}[${index}]`)));
}

/** A finite number of seconds in `range` (`min` exclusive when `exclusiveMin`). */
export function seconds(value: unknown, name: string, range: Range): number {
  const below = range.exclusiveMin === true ? (n: number) => n <= range.min : (n: number) => n < range.min;
  if (typeof value !== 'number' || !Number.isFinite(value) || below(value) || value > range.max) {
    const lower = range.exclusiveMin === true ? `greater than ${range.min}` : `from ${range.min}`;
    throw configError(
      `\`${name}\` must be a number of seconds ${lower} to ${range.max}; found ${found(value)}`,
    );
  }
  return value;
}

export function integer(value: unknown, name: string, { min, max }: Range): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw configError(`\`${name}\` must be an integer from ${min} to ${max}; found ${found(value)}`);
  }
  return value;
}

export function boolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean')
    throw configError(`\`${name}\` must be true or false; found ${found(value)}`);
  return value;
}

export function callable<T>(value: unknown, name: string): T {
  if (typeof value !== 'function') throw configError(`\`${name}\` must be a function; found ${found(value)}`);
  return value as T;
}
