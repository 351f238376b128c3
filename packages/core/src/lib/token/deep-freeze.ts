/**
 * Results are shared by every caller of a cached token (and headers by every token of one key),
 * so nothing in them may change. A frozen value is taken as already frozen throughout: everything
 * this library freezes, it freezes whole.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    const members = value as Record<string, unknown>;
    // A keyed loop, not Object.values: no array is allocated per object on the verification path.
    for (const name in members) if (Object.hasOwn(members, name)) deepFreeze(members[name]);
  }
  return value;
}
