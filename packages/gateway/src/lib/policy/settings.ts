/**
 * The parts every policy format shares: the trusted issuers (name → core verifier options), the
 * challenge `realm` and the identity header names.
 */
import { checkDpopOrigin } from './dpop-origin.js';
import { checkKnownMembers, describeValue, isRecord, optionalString, type PlainRecord } from './fields.js';
import type { FieldPath, IssueList } from './issues.js';
import { DEFAULT_IDENTITY_HEADERS, type IdentityHeaderNames, type IssuerEntry } from './model.js';

/** Core options that take functions or objects no file can hold: the gateway sets or omits them. */
const NOT_IN_FILES = ['fetch', 'transport', 'clock', 'onEvent', 'dispatcher', 'issuers'] as const;
// RFC 9110 §5.6.2 token: what a field name may be.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ISSUER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface GatewaySettings {
  readonly realm: string | undefined;
  readonly identityHeaders: IdentityHeaderNames;
  readonly issuers: ReadonlyMap<string, IssuerEntry>;
}

/** Reads `realm`, `identityHeaders` and `issuers` from `record` (fields at `at`). */
export function readSettings(record: PlainRecord, at: FieldPath, issues: IssueList): GatewaySettings {
  return {
    realm: optionalString(record, 'realm', at, issues),
    identityHeaders: readIdentityHeaders(record.identityHeaders, [...at, 'identityHeaders'], issues),
    issuers: readIssuers(record.issuers, [...at, 'issuers'], issues),
  };
}

function readIssuers(value: unknown, at: FieldPath, issues: IssueList): Map<string, IssuerEntry> {
  const issuers = new Map<string, IssuerEntry>();
  if (value === undefined) return issuers;
  if (!isRecord(value)) {
    issues.add(at, `must map issuer names to verifier options; found ${describeValue(value)}`);
    return issuers;
  }
  for (const [name, options] of Object.entries(value)) {
    const entryAt = [...at, name];
    if (!ISSUER_NAME.test(name)) {
      issues.add(entryAt, 'issuer names are letters, digits, "_", "." and "-" (up to 64)');
      continue;
    }
    if (!isRecord(options)) {
      issues.add(
        entryAt,
        `must be the verifier options { issuer, audience, ... }; found ${describeValue(options)}`,
      );
      continue;
    }
    const unsupported = NOT_IN_FILES.filter((option) => option in options);
    for (const option of unsupported) {
      issues.add(
        [...entryAt, option],
        'cannot be set in a policy file (one issuer per name; the gateway sets the rest)',
      );
    }
    checkDpopOrigin(options, entryAt, issues);
    if (unsupported.length === 0) issuers.set(name, { options, at: entryAt });
  }
  return issuers;
}

function readIdentityHeaders(value: unknown, at: FieldPath, issues: IssueList): IdentityHeaderNames {
  if (value === undefined) return DEFAULT_IDENTITY_HEADERS;
  if (!isRecord(value)) {
    issues.add(at, `must be an object such as { subject: X-User }; found ${describeValue(value)}`);
    return DEFAULT_IDENTITY_HEADERS;
  }
  const names = Object.keys(DEFAULT_IDENTITY_HEADERS) as (keyof IdentityHeaderNames)[];
  checkKnownMembers(value, names, at, issues);
  const chosen = { ...DEFAULT_IDENTITY_HEADERS };
  for (const name of names) {
    const header = optionalString(value, name, at, issues);
    if (header === undefined) continue;
    if (!HEADER_NAME.test(header))
      issues.add([...at, name], `must be a header name; found ${describeValue(header)}`);
    else chosen[name] = header;
  }
  const lower = Object.values(chosen).map((header) => header.toLowerCase());
  if (new Set(lower).size !== lower.length) issues.add(at, 'each identity header needs its own name');
  return Object.freeze(chosen);
}
