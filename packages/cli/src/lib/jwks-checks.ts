/**
 * `discover`'s look at a JWK Set: cache lifetime (RFC 9111 max-age, clamped by verifiers to
 * 60 s–24 h), and keys a verifier can use: kids present and unique (OIDC Core §10.1, RFC 7517
 * §4.5), `use`/`alg` sensible (RFC 7517 §4.2-4.4), RSA keys of at least 2048 bits (RFC 7518 §3.3),
 * no private or symmetric keys.
 */
import { DEFAULTS, LIMITS } from '@tokenward/core';
import { describeStatus } from './failure-cause.js';
import { type HttpGetLimits, httpGet, jsonObjectOf } from './http-get.js';
import { formatDuration } from './output.js';
import type { ReportCheck, ReportSection } from './report.js';

export interface KeySummary {
  readonly kid: string | null;
  readonly kty: string;
  readonly alg: string | null;
  readonly use: string | null;
  /** RSA modulus size in bits. */
  readonly bits?: number;
}

export interface JwksOutcome {
  readonly section: ReportSection;
  readonly keys: readonly KeySummary[];
  readonly unreachable: boolean;
  /** Why the key set did not arrive, when it did not (network reason or HTTP status). */
  readonly failure?: string;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];
/** Verifiers read at most this many keys. */
const MAX_KEYS = DEFAULTS.maxJwksKeys;
/** Fewest bits an RSA modulus may have (RFC 7518 §3.3). */
const MIN_RSA_BITS = LIMITS.rsaModulusBits.min;

export async function checkJwks(url: string, limits: HttpGetLimits): Promise<JwksOutcome> {
  const section = (checks: ReportCheck[]): ReportSection => ({ title: 'Key set', url, checks });
  const answer = await httpGet(url, limits);
  if (answer.kind === 'unreachable') {
    return {
      section: section([{ status: 'fail', label: 'fetched', detail: answer.reason }]),
      keys: [],
      unreachable: true,
      failure: answer.reason,
    };
  }
  if (answer.status !== 200) {
    const status = describeStatus(answer.status);
    return {
      section: section([{ status: 'fail', label: 'fetched', detail: `answered ${status}` }]),
      keys: [],
      unreachable: answer.status >= 500,
      failure: `${url} answered ${status}`,
    };
  }
  const checks: ReportCheck[] = [
    { status: 'pass', label: 'fetched', detail: '200' },
    cacheCheck(answer.headers.get('cache-control')),
  ];
  const jwks = jsonObjectOf(answer.body);
  if (jwks === undefined || !Array.isArray(jwks.keys)) {
    checks.push({ status: 'fail', label: 'keys', detail: 'the body is not a JWK Set ({"keys": [...]})' });
    return { section: section(checks), keys: [], unreachable: false };
  }
  const members = jwks.keys.filter(
    (key): key is Record<string, unknown> => typeof key === 'object' && key !== null && !Array.isArray(key),
  );
  const keys = members.map(summarizeKey);
  checks.push(...checkKeys(members, keys));
  return { section: section(checks), keys, unreachable: false };
}

function cacheCheck(cacheControl: string | null): ReportCheck {
  const maxAge = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl ?? '')?.[1];
  if (maxAge === undefined) {
    return {
      status: 'warn',
      label: 'cache',
      detail: 'no Cache-Control max-age: tokenward keeps the keys 10 min',
    };
  }
  const seconds = Number(maxAge);
  const used = Math.min(LIMITS.keySetLifetime.max, Math.max(LIMITS.keySetLifetime.min, seconds));
  const clamp = used === seconds ? '' : ` (clamped from ${seconds} s)`;
  return {
    status: 'pass',
    label: 'cache',
    detail: `max-age=${seconds}: tokenward keeps the keys ${formatDuration(used)}${clamp}`,
  };
}

/** What `discover` reports of one JWK; the RSA size is read from the modulus. */
export function summarizeKey(key: Record<string, unknown>): KeySummary {
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  const bits = key.kty === 'RSA' && typeof key.n === 'string' ? modulusBits(key.n) : undefined;
  return {
    kid: text(key.kid),
    kty: text(key.kty) ?? '(none)',
    alg: text(key.alg),
    use: text(key.use),
    ...(bits === undefined ? {} : { bits }),
  };
}

function modulusBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url');
  const first = bytes.findIndex((byte) => byte !== 0);
  if (first === -1) return 0;
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first] ?? 0));
}

/** The checks of the keys themselves; pure, for unit tests. */
export function checkKeys(
  members: readonly Record<string, unknown>[],
  keys: readonly KeySummary[],
): ReportCheck[] {
  const checks: ReportCheck[] = [];
  const listing = keys
    .map((key) => `${key.kid ?? '(no kid)'} ${key.kty}${key.bits ? ` ${key.bits}` : ''}`)
    .join(', ');
  if (keys.length === 0) checks.push({ status: 'fail', label: 'keys', detail: 'the key set is empty' });
  else if (keys.length > MAX_KEYS)
    checks.push({
      status: 'fail',
      label: 'keys',
      detail: `${keys.length} keys; verifiers read at most ${MAX_KEYS}`,
    });
  else checks.push({ status: 'pass', label: 'keys', detail: `${keys.length}: ${listing}` });

  const kids = keys.map((key) => key.kid);
  const missing = kids.filter((kid) => kid === null).length;
  const duplicates = [...new Set(kids.filter((kid, index) => kid !== null && kids.indexOf(kid) !== index))];
  if (duplicates.length > 0)
    checks.push({ status: 'fail', label: 'kids', detail: `repeated: ${duplicates.join(', ')}` });
  else if (missing > 0) {
    checks.push({
      status: keys.length > 1 ? 'fail' : 'warn',
      label: 'kids',
      detail: `${missing} key(s) without kid; with several keys a token's kid must pick one (OIDC Core section 10.1)`,
    });
  } else if (keys.length > 0) checks.push({ status: 'pass', label: 'kids', detail: 'present and unique' });

  const weak = keys.filter((key) => key.bits !== undefined && key.bits < MIN_RSA_BITS);
  if (keys.some((key) => key.kty === 'RSA')) {
    checks.push(
      weak.length === 0
        ? { status: 'pass', label: 'key sizes', detail: `every RSA key has at least ${MIN_RSA_BITS} bits` }
        : {
            status: 'fail',
            label: 'key sizes',
            detail: `under ${MIN_RSA_BITS} bits (RFC 7518 section 3.3): ${weak.map((key) => `${key.kid} ${key.bits}`).join(', ')}`,
          },
    );
  }
  checks.push(useAndAlgCheck(keys));
  const leaking = members.filter(
    (member) => PRIVATE_MEMBERS.some((name) => member[name] !== undefined) || member.kty === 'oct',
  );
  checks.push(
    leaking.length === 0
      ? { status: 'pass', label: 'public only', detail: 'no private or symmetric key material' }
      : {
          status: 'fail',
          label: 'public only',
          detail: `${leaking.length} key(s) publish private or symmetric material (OpenID Connect Discovery section 3)`,
        },
  );
  return checks;
}

function useAndAlgCheck(keys: readonly KeySummary[]): ReportCheck {
  const unsafe = keys.filter(
    (key) => key.alg !== null && (/^HS/i.test(key.alg) || key.alg.toLowerCase() === 'none'),
  );
  if (unsafe.length > 0)
    return {
      status: 'fail',
      label: 'use/alg',
      detail: `alg never accepted: ${unsafe.map((key) => key.alg).join(', ')}`,
    };
  const uses = new Set(keys.map((key) => key.use));
  if (uses.has('enc') && uses.has(null)) {
    return {
      status: 'fail',
      label: 'use/alg',
      detail:
        'signing and encryption keys mixed, and some keys lack "use" (OpenID Connect Discovery section 3)',
    };
  }
  const noAlg = keys.filter((key) => key.alg === null).length;
  const signing = keys.filter((key) => key.use !== 'enc');
  if (signing.length === 0)
    return { status: 'fail', label: 'use/alg', detail: 'no signing keys (every key has use "enc")' };
  const algs = [...new Set(signing.map((key) => key.alg ?? `${key.kty} (alg unnamed)`))].join(', ');
  return noAlg > 0
    ? {
        status: 'warn',
        label: 'use/alg',
        detail: `${noAlg} key(s) name no alg, so the token header decides; signing: ${algs}`,
      }
    : { status: 'pass', label: 'use/alg', detail: `signing keys: ${algs}` };
}
