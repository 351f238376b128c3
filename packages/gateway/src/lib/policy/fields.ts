/** Small readers for policy fields: each reports a problem to the issue list instead of throwing. */
import type { FieldPath, IssueList } from './issues.js';

export type PlainRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is PlainRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a found value is named in messages (never more than a short excerpt). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value.length > 40 ? `"${value.slice(0, 40)}…"` : `"${value}"`;
  return `${typeof value} ${String(value)}`;
}

/** Reports members of `record` not in `known` (a typo must not silently drop a rule's condition). */
export function checkKnownMembers(
  record: PlainRecord,
  known: readonly string[],
  at: FieldPath,
  issues: IssueList,
): void {
  for (const name of Object.keys(record)) {
    if (!known.includes(name)) issues.add([...at, name], `unknown field; known fields: ${known.join(', ')}`);
  }
}

/** A non-empty string member, or `undefined` (reported when present but not a string). */
export function optionalString(record: PlainRecord, name: string, at: FieldPath, issues: IssueList) {
  const value = record[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    issues.add([...at, name], `must be a non-empty string; found ${describeValue(value)}`);
    return undefined;
  }
  return value;
}

/** A non-empty list of non-empty strings, or `undefined` (reported when malformed). */
export function optionalStringList(
  record: PlainRecord,
  name: string,
  at: FieldPath,
  issues: IssueList,
): string[] | undefined {
  const value = record[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    issues.add([...at, name], `must be a non-empty list; found ${describeValue(value)}`);
    return undefined;
  }
  const bad = value.findIndex((item) => typeof item !== 'string' || item === '');
  if (bad !== -1) {
    issues.add([...at, name, bad], `must be a non-empty string; found ${describeValue(value[bad])}`);
    return undefined;
  }
  return value as string[];
}
