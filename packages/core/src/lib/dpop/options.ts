/**
 * Checks the `dpop` option once, at construction (`ERR_CONFIG` naming the member), and turns it
 * into the settings the proof check reads on every request.
 */
import { DEFAULTS, LIMITS } from '../../defaults.js';
import type { DpopMode } from '../../dpop.js';
import { createMemoryStore } from '../../memory-store.js';
import type { ReplayStore } from '../../store.js';
import { fetchableUrlProblem, originOf } from '../keys/origin.js';
import { algorithmList } from '../options/issuers.js';
import {
  configError,
  found,
  isPlainObject,
  optional,
  rejectUnknownNames,
  seconds,
  stringList,
} from '../options/option-checks.js';

export interface ResolvedDpopOptions {
  readonly mode: DpopMode;
  /** The API's external origins (`https://host[:port]`), the only bases `htu` may have. */
  readonly origins: readonly string[] | undefined;
  /** Whether `X-Forwarded-Proto`/`-Host` name the origin: never, always, or from these peers only. */
  readonly forwardedHeaders: 'ignore' | 'trust' | ReadonlySet<string>;
  readonly maxProofAge: number;
  readonly clockSkew: number;
  /** Proof algorithms accepted, also listed in challenges (`algs`). */
  readonly algorithms: readonly string[];
  /** HMAC keys for server nonces, the current one first; `undefined` when nonces are off. */
  readonly nonceKeys: readonly Uint8Array[] | undefined;
  readonly replayStore: ReplayStore;
  /** How long a burned proof is remembered: its whole acceptance window, with skew both ways. */
  readonly replayTtlMs: number;
}

const NAMES: ReadonlySet<string> = new Set([
  'mode',
  'origins',
  'trustForwardedHeaders',
  'maxProofAge',
  'clockSkew',
  'algorithms',
  'nonceKeys',
  'replayStore',
]);
/** A nonce key shorter than this is guessable enough to forge nonces with. */
const MIN_NONCE_KEY_LENGTH = 32;
const MAX_NONCE_KEYS = 4;

const utf8 = new TextEncoder();

export function resolveDpopOptions(value: unknown): ResolvedDpopOptions | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    throw configError(
      `\`dpop\` must be an object like { mode: 'required', origins: [...] }; found ${found(value)}`,
    );
  }
  rejectUnknownNames(value, NAMES, 'dpop.');
  if (value.mode !== 'allowed' && value.mode !== 'required') {
    throw configError(`\`dpop.mode\` must be 'allowed' or 'required'; found ${found(value.mode)}`);
  }
  const origins = optional(value.origins, undefined, originList);
  const forwardedHeaders = optional(value.trustForwardedHeaders, 'ignore' as const, forwardedPolicy);
  if (origins === undefined && forwardedHeaders === 'ignore') {
    // `htu` must never be built from a Host header the client chose (RFC 9449 section 4.3 check 9).
    throw configError(
      '`dpop.origins` is required: the external origin(s) of this API, e.g. ["https://api.example.com"] ' +
        '(or set `dpop.trustForwardedHeaders` when a proxy you control sets X-Forwarded-Proto and X-Forwarded-Host)',
    );
  }
  const maxProofAge = optional(value.maxProofAge, DEFAULTS.dpopMaxProofAge, (age) =>
    seconds(age, 'dpop.maxProofAge', LIMITS.dpopMaxProofAge),
  );
  const clockSkew = optional(value.clockSkew, DEFAULTS.dpopClockSkew, (skew) =>
    seconds(skew, 'dpop.clockSkew', LIMITS.dpopClockSkew),
  );
  return {
    mode: value.mode,
    origins,
    forwardedHeaders,
    maxProofAge,
    clockSkew,
    algorithms: optional(value.algorithms, DEFAULTS.dpopAlgorithms, (list) =>
      algorithmList(list, 'dpop.algorithms'),
    ),
    nonceKeys: optional(value.nonceKeys, undefined, nonceKeyList),
    replayStore: optional(value.replayStore, undefined, replayStore) ?? createMemoryStore(),
    replayTtlMs: Math.ceil((maxProofAge + 2 * clockSkew) * 1000),
  };
}

function originList(value: unknown): readonly string[] {
  const list = stringList(value, 'dpop.origins');
  if (list.length === 0) throw configError('`dpop.origins` must not be empty');
  return Object.freeze(
    list.map((origin, index) => {
      const problem = fetchableUrlProblem(origin);
      if (problem !== undefined || originOf(origin) !== origin) {
        throw configError(
          `\`dpop.origins[${index}]\` must be an origin like "https://api.example.com" (https, or http for loopback; ` +
            `lower case, no path or default port); found ${found(origin)}`,
        );
      }
      return origin;
    }),
  );
}

function forwardedPolicy(value: unknown): ResolvedDpopOptions['forwardedHeaders'] {
  if (typeof value === 'boolean') return value ? 'trust' : 'ignore';
  const proxies = stringList(value, 'dpop.trustForwardedHeaders');
  if (proxies.length === 0) {
    throw configError(
      '`dpop.trustForwardedHeaders` must be true, false or a non-empty list of proxy addresses',
    );
  }
  return new Set(proxies.map(normaliseAddress));
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is the same peer as `10.0.0.1`. */
export function normaliseAddress(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}

function nonceKeyList(value: unknown): readonly Uint8Array[] {
  const keys = stringList(value, 'dpop.nonceKeys');
  if (keys.length === 0 || keys.length > MAX_NONCE_KEYS) {
    throw configError(
      `\`dpop.nonceKeys\` must hold 1 to ${MAX_NONCE_KEYS} secrets, the current one first; found ${keys.length}`,
    );
  }
  return Object.freeze(
    keys.map((key, index) => {
      if (key.length < MIN_NONCE_KEY_LENGTH) {
        throw configError(
          `\`dpop.nonceKeys[${index}]\` must be a random secret of at least ${MIN_NONCE_KEY_LENGTH} characters; found ${key.length}`,
        );
      }
      return utf8.encode(key);
    }),
  );
}

function replayStore(value: unknown): ReplayStore {
  if (typeof value !== 'object' || value === null || typeof (value as ReplayStore).markOnce !== 'function') {
    throw configError(
      `\`dpop.replayStore\` must be a store with markOnce(key, ttlMs); found ${found(value)}`,
    );
  }
  return value as ReplayStore;
}
