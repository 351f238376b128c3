import type { Endpoint, Fault } from '../types.js';

const ANY_SERVER = '*';

function faultKey(server: string, endpoint: Endpoint): string {
  return `${server}\u0000${endpoint}`;
}

/** Installed faults, at most one per (server, endpoint); a server-specific fault wins over `server` omitted. */
export class FaultTable {
  readonly #faults = new Map<string, { fault: Fault; remaining: number }>();

  set(fault: Fault): void {
    const remaining = fault.times ?? Number.POSITIVE_INFINITY;
    this.#faults.set(faultKey(fault.server ?? ANY_SERVER, fault.endpoint), {
      fault: { ...fault },
      remaining,
    });
  }

  clear(): void {
    this.#faults.clear();
  }

  /** The fault for this request, counting one application against `times`. */
  take(server: string, endpoint: Endpoint): Fault | undefined {
    for (const key of [faultKey(server, endpoint), faultKey(ANY_SERVER, endpoint)]) {
      const entry = this.#faults.get(key);
      if (!entry) continue;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.#faults.delete(key);
      return entry.fault;
    }
    return undefined;
  }
}

const ENDPOINTS: readonly Endpoint[] = [
  'discovery',
  'jwks',
  'token',
  'authorize',
  'introspect',
  'revoke',
  'userinfo',
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optional<T>(
  record: Record<string, unknown>,
  name: string,
  check: (v: unknown) => v is T,
  expected: string,
) {
  const value = record[name];
  if (value !== undefined && !check(value)) throw new TypeError(`fault.${name} must be ${expected}`);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStatus = (v: unknown): v is number =>
  Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599;
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;
const isDelay = (v: unknown): v is number | 'never' =>
  v === 'never' || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
/** RFC 9110 §5.1 field names, with string values free of line breaks. */
const isHeaders = (v: unknown): v is Record<string, string> =>
  isRecord(v) &&
  Object.entries(v).every(
    ([name, value]) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && isString(value) && !/[\r\n]/.test(value),
  );
const isBody = (v: unknown): v is string | Uint8Array => typeof v === 'string' || v instanceof Uint8Array;

/** Checks a fault from code or from the admin endpoint's JSON, naming the offending field. */
export function parseFault(value: unknown): Fault {
  if (!isRecord(value)) throw new TypeError('fault must be an object');
  if (!ENDPOINTS.includes(value.endpoint as Endpoint)) {
    throw new TypeError(`fault.endpoint must be one of ${ENDPOINTS.join(', ')}`);
  }
  optional(value, 'server', isString, 'a server id or "org"');
  optional(value, 'status', isStatus, 'an HTTP status (100-599)');
  optional(value, 'delayMs', isDelay, 'milliseconds (>= 0) or "never"');
  optional(value, 'body', isBody, 'a string or Uint8Array');
  optional(value, 'contentType', isString, 'a string');
  optional(value, 'issuer', isString, 'a string');
  optional(value, 'redirectTo', isString, 'a URL string');
  optional(value, 'headers', isHeaders, 'an object of header names to string values');
  optional(value, 'reset', (v): v is boolean => typeof v === 'boolean', 'a boolean');
  optional(value, 'times', isCount, 'a positive integer');
  if (value.issuer !== undefined && value.endpoint !== 'discovery') {
    throw new TypeError('fault.issuer applies to the discovery endpoint only');
  }
  return value as unknown as Fault;
}
