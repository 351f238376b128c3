/**
 * Turns `AccessTokenVerifierOptions` into a checked, normalised configuration, synchronously,
 * throwing `ERR_CONFIG` for the first problem (STYLE.md "Options": validation is eager).
 */
import { isChallengeAttributeText } from '../../challenge-text.js';
import { DEFAULTS, LIMITS } from '../../defaults.js';
import type { EventHandler } from '../../events.js';
import type { AccessTokenVerifierOptions } from '../../options.js';
import { acrValueList } from '../../requirements.js';
import type { Transport } from '../../runtime.js';
import { type ResolvedDpopOptions, resolveDpopOptions } from '../dpop/options.js';
import { type ResolvedIntrospection, resolveIntrospection } from '../introspection/options.js';
import { canonicalResource } from '../resource/canonical.js';
import {
  algorithmList,
  ISSUER_OPTION_NAMES,
  issuerList,
  originList,
  type ResolvedIssuer,
  resolveIssuer,
} from './issuers.js';
import {
  boolean,
  callable,
  configError,
  found,
  integer,
  isPlainObject,
  optional,
  rejectUnknownNames,
  seconds,
  stringList,
} from './option-checks.js';

export type { ResolvedIssuer } from './issuers.js';

/** Key-path settings the caller set (only those: the key path's own defaults fill the rest). */
export interface KeyTimingOptions {
  readonly httpTimeoutMs?: number;
  readonly jwksCacheMaxAge?: number;
  readonly discoveryCacheMaxAge?: number;
  readonly cooldown?: number;
  readonly staleIfError?: number;
}

export interface ResolvedVerifierOptions {
  readonly issuers: readonly ResolvedIssuer[];
  /** Every algorithm any issuer accepts: the cheap first check, before `iss` is read. */
  readonly algorithms: readonly string[];
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
  readonly maxTokenSize: number;
  readonly requiredClaims: readonly string[];
  readonly requireAtJwt: boolean;
  readonly orgServerRules: boolean;
  readonly keyTiming: KeyTimingOptions;
  /** The `snapshot` option, an object whose content is checked when the keys restore it. */
  readonly snapshot: Readonly<Record<string, unknown>> | undefined;
  /** Tokens kept by the result cache; `0` disables it. */
  readonly resultCacheMax: number;
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly transport: Transport | undefined;
  readonly clock: () => number;
  readonly onEvent: EventHandler | undefined;
  readonly realm: string;
  /** The API's canonical resource identifier (RFC 8707), when configured. */
  readonly resource: string | undefined;
  /** Authentication levels for step-up, weakest first (`acrLevels`). */
  readonly acrLevels: readonly string[] | undefined;
  /** Token introspection, when configured. */
  readonly introspection: ResolvedIntrospection | undefined;
  /** DPoP settings, or `undefined` for bearer tokens only. */
  readonly dpop: ResolvedDpopOptions | undefined;
}

const SETTING_NAMES = [
  'algorithms',
  'clockTolerance',
  'maxTokenAge',
  'maxTokenLifetime',
  'maxTokenSize',
  'requiredClaims',
  'typ',
  'allowedJwksOrigins',
  'orgServerRules',
  'httpTimeout',
  'jwksCacheMaxAge',
  'discoveryCacheMaxAge',
  'jwksCooldown',
  'staleIfError',
  'snapshot',
  'resultCache',
  'fetch',
  'transport',
  'clock',
  'onEvent',
  'realm',
  'acrLevels',
  'resource',
  'introspection',
  'dpop',
] as const;
const SINGLE_NAMES: ReadonlySet<string> = new Set([...ISSUER_OPTION_NAMES, ...SETTING_NAMES]);
const MULTI_NAMES: ReadonlySet<string> = new Set(['issuers', ...SETTING_NAMES]);
/** Every name `createAccessTokenVerifier` takes, with one issuer or several. */
export const VERIFIER_OPTION_NAMES: ReadonlySet<string> = new Set([...SINGLE_NAMES, ...MULTI_NAMES]);

/**
 * @param introspectionOnly `createIntrospectionVerifier`: `introspection` is required and has no
 * `mode` (every token is introspected).
 */
export function resolveVerifierOptions(
  input: AccessTokenVerifierOptions,
  introspectionOnly = false,
): ResolvedVerifierOptions {
  if (!isPlainObject(input)) throw configError(`options must be an object; found ${found(input)}`);
  const options: Record<string, unknown> = input;
  const multi = options.issuers !== undefined;
  if (multi && options.issuer !== undefined) {
    throw configError('give either `issuer` (one issuer) or `issuers` (several), not both');
  }
  if (!multi && options.issuer === undefined) {
    throw configError(
      '`issuer` is required (or `issuers` for several), e.g. "https://acme.okta.com/oauth2/default"',
    );
  }
  rejectUnknownNames(options, multi ? MULTI_NAMES : SINGLE_NAMES, '');
  const orgServerRules =
    options.orgServerRules === undefined ? true : boolean(options.orgServerRules, 'orgServerRules');
  const defaults = {
    algorithms:
      options.algorithms === undefined
        ? DEFAULTS.algorithms
        : algorithmList(options.algorithms, 'algorithms'),
    allowedJwksOrigins:
      options.allowedJwksOrigins === undefined
        ? []
        : originList(options.allowedJwksOrigins, 'allowedJwksOrigins'),
    orgServerRules,
    maxTokenLifetime: maxTokenLifetime(options.maxTokenLifetime),
    resource: optional(options.resource, undefined, (value) => canonicalResource(value, 'resource')),
  };
  const issuers = multi ? issuerList(options.issuers, defaults) : [resolveIssuer(options, '', defaults)];
  if (options.fetch !== undefined && options.transport !== undefined) {
    throw configError('give either `fetch` or `transport`, not both');
  }
  const clock = optional(options.clock, Date.now, (value) => callable<() => number>(value, 'clock'));
  return {
    issuers,
    algorithms: Object.freeze([...new Set(issuers.flatMap((entry) => entry.algorithms))]),
    clockTolerance: optional(options.clockTolerance, DEFAULTS.clockTolerance, (value) =>
      seconds(value, 'clockTolerance', LIMITS.clockTolerance),
    ),
    maxTokenAge: optional(options.maxTokenAge, undefined, (value) =>
      seconds(value, 'maxTokenAge', { min: 0, max: Number.MAX_SAFE_INTEGER, exclusiveMin: true }),
    ),
    maxTokenSize: optional(options.maxTokenSize, DEFAULTS.maxTokenSize, (value) =>
      integer(value, 'maxTokenSize', LIMITS.maxTokenSize),
    ),
    requiredClaims: optional(options.requiredClaims, [], (value) => stringList(value, 'requiredClaims')),
    requireAtJwt: optional(options.typ, false, (value) => {
      if (value !== 'at+jwt') throw configError(`\`typ\` can only be 'at+jwt'; found ${found(value)}`);
      return true;
    }),
    orgServerRules,
    keyTiming: keyTiming(options),
    snapshot: snapshotOption(options.snapshot),
    resultCacheMax: resultCacheMax(options.resultCache),
    fetch: optional(options.fetch, undefined, (value) => callable<typeof globalThis.fetch>(value, 'fetch')),
    transport: optional(options.transport, undefined, (value) => transport(value)),
    clock,
    onEvent: optional(options.onEvent, undefined, (value) => callable<EventHandler>(value, 'onEvent')),
    resource: defaults.resource,
    acrLevels: optional(options.acrLevels, undefined, (value) => acrValueList(value, '`acrLevels`')),
    introspection: resolveIntrospection(options.introspection, {
      only: introspectionOnly,
      orgServerTokensRecognised: orgServerRules && issuers.some((entry) => entry.server.kind === 'custom'),
      clock,
    }),
    realm: optional(options.realm, DEFAULTS.realm, (value) => {
      if (typeof value !== 'string' || !isChallengeAttributeText(value)) {
        throw configError(`\`realm\` must be printable ASCII without " or \\; found ${found(value)}`);
      }
      return value;
    }),
    dpop: resolveDpopOptions(options.dpop),
  };
}

function snapshotOption(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    throw configError(
      `\`snapshot\` must be the object verifier.snapshot() returned (parse stored JSON first); found ${found(value)}`,
    );
  }
  return value;
}

type KeyTimingOptionName =
  | 'httpTimeout'
  | 'jwksCacheMaxAge'
  | 'discoveryCacheMaxAge'
  | 'jwksCooldown'
  | 'staleIfError';

function keyTiming(options: Record<string, unknown>): KeyTimingOptions {
  const timing: { -readonly [K in keyof KeyTimingOptions]: number } = {};
  const pick = (name: KeyTimingOptionName, key: keyof KeyTimingOptions) => {
    if (options[name] === undefined) return;
    const value = seconds(options[name], name, LIMITS[name]);
    timing[key] = key === 'httpTimeoutMs' ? Math.round(value * 1000) : value;
  };
  pick('httpTimeout', 'httpTimeoutMs');
  pick('jwksCacheMaxAge', 'jwksCacheMaxAge');
  pick('discoveryCacheMaxAge', 'discoveryCacheMaxAge');
  pick('jwksCooldown', 'cooldown');
  pick('staleIfError', 'staleIfError');
  return timing;
}

function maxTokenLifetime(value: unknown): number | false | undefined {
  if (value === undefined || value === false) return value;
  return seconds(value, 'maxTokenLifetime', { min: 0, max: Number.MAX_SAFE_INTEGER, exclusiveMin: true });
}

function resultCacheMax(value: unknown): number {
  if (value === undefined) return DEFAULTS.resultCacheMax;
  if (value === false) return 0;
  if (!isPlainObject(value))
    throw configError(`\`resultCache\` must be { max } or false; found ${found(value)}`);
  rejectUnknownNames(value, new Set(['max']), 'resultCache.');
  return value.max === undefined
    ? DEFAULTS.resultCacheMax
    : integer(value.max, 'resultCache.max', LIMITS.resultCacheMax);
}

function transport(value: unknown): Transport {
  if (!isPlainObject(value) || typeof value.get !== 'function') {
    throw configError(
      `\`transport\` must be an object with a get(url, request) method; found ${found(value)}`,
    );
  }
  return value as unknown as Transport;
}
