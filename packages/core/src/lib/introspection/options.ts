/**
 * The `introspection` option, checked and normalised at construction (`ERR_CONFIG` naming the
 * member): the mode, the client and how it authenticates, the cache and its store.
 */
import { DEFAULTS, LIMITS } from '../../defaults.js';
import type { ClientAuthMethod, IntrospectionMode } from '../../introspection.js';
import type { JsonWebKeyLike } from '../../runtime.js';
import type { CacheStore } from '../../store.js';
import {
  configError,
  found,
  integer,
  isPlainObject,
  nonEmptyString,
  optional,
  rejectUnknownNames,
  seconds,
  stringOrStringList,
} from '../options/option-checks.js';
import { createLruMemoryStore } from '../stores/memory-store.js';

/** `'only'`: `createIntrospectionVerifier`, every token introspected and none checked locally. */
export type ResolvedMode = IntrospectionMode | 'only';

/** The algorithms a `private_key_jwt` assertion may be signed with. */
export type AssertionAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

export interface ResolvedClient {
  readonly clientId: string;
  readonly method: ClientAuthMethod;
  /** For the two `client_secret_*` methods. */
  readonly clientSecret: string | undefined;
  /** For `private_key_jwt`. */
  readonly privateKey: { readonly jwk: JsonWebKeyLike; readonly alg: AssertionAlgorithm } | undefined;
}

export interface ResolvedOrgServerClient extends ResolvedClient {
  /** `undefined`: the org server's issuer (its origin). */
  readonly audiences: readonly string[] | undefined;
}

export interface ResolvedIntrospection {
  readonly mode: ResolvedMode;
  readonly client: ResolvedClient;
  /** Seconds. */
  readonly maxCacheAge: number;
  /** Seconds; `0` disables the negative cache. */
  readonly negativeCacheAge: number;
  readonly store: CacheStore;
  readonly maxResponseBytes: number;
  readonly orgServer: ResolvedOrgServerClient | undefined;
  /** The issuer asked about opaque tokens; `undefined`: the only configured issuer. */
  readonly opaqueTokenIssuer: string | undefined;
}

const CLIENT_NAMES = ['clientId', 'clientSecret', 'privateKey', 'clientAuthMethod'] as const;
const OPTION_NAMES: ReadonlySet<string> = new Set([
  'mode',
  ...CLIENT_NAMES,
  'maxCacheAge',
  'negativeCacheAge',
  'store',
  'maxResponseSize',
  'orgServer',
  'opaqueTokenIssuer',
]);
const ORG_SERVER_NAMES: ReadonlySet<string> = new Set([...CLIENT_NAMES, 'audience']);
const METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

export interface IntrospectionContext {
  /** `createIntrospectionVerifier`: there is no `mode`, every token is introspected. */
  readonly only: boolean;
  /** Org-server rules are on and a custom server is configured: org-server tokens can be told apart. */
  readonly orgServerTokensRecognised: boolean;
  readonly clock: () => number;
}

export function resolveIntrospection(
  value: unknown,
  context: IntrospectionContext,
): ResolvedIntrospection | undefined {
  if (value === undefined) {
    if (context.only)
      throw configError('`introspection` is required: { clientId, clientSecret | privateKey }');
    return undefined;
  }
  if (!isPlainObject(value)) {
    throw configError(`\`introspection\` must be an object { mode, clientId, ... }; found ${found(value)}`);
  }
  const names = context.only ? new Set([...OPTION_NAMES].filter((name) => name !== 'mode')) : OPTION_NAMES;
  rejectUnknownNames(value, names, 'introspection.');
  const mode = context.only ? 'only' : modeOf(value.mode);
  if (value.orgServer !== undefined && !context.orgServerTokensRecognised) {
    throw configError(
      '`introspection.orgServer` needs a custom authorization server among the issuers and `orgServerRules` on: ' +
        'org-server tokens are recognised by their issuer, the origin of a configured custom server',
    );
  }
  return {
    mode,
    client: clientOf(value, 'introspection.'),
    maxCacheAge: optional(value.maxCacheAge, DEFAULTS.introspectionCacheMaxAge, (age) =>
      seconds(age, 'introspection.maxCacheAge', LIMITS.introspectionCacheMaxAge),
    ),
    negativeCacheAge: optional(value.negativeCacheAge, DEFAULTS.introspectionNegativeCacheAge, (age) =>
      seconds(age, 'introspection.negativeCacheAge', LIMITS.introspectionNegativeCacheAge),
    ),
    store:
      optional(value.store, undefined, storeOf) ??
      createLruMemoryStore({ max: DEFAULTS.memoryStoreMax, clock: context.clock }),
    maxResponseBytes: optional(value.maxResponseSize, DEFAULTS.maxIntrospectionBytes, (size) =>
      integer(size, 'introspection.maxResponseSize', LIMITS.maxIntrospectionBytes),
    ),
    orgServer: optional(value.orgServer, undefined, orgServerOf),
    opaqueTokenIssuer: optional(value.opaqueTokenIssuer, undefined, (issuer) =>
      nonEmptyString(issuer, 'introspection.opaqueTokenIssuer'),
    ),
  };
}

function modeOf(value: unknown): IntrospectionMode {
  if (value === 'fallback' || value === 'always') return value;
  throw configError(
    `\`introspection.mode\` must be 'fallback' (opaque and org-server tokens) or 'always' (every token); found ${found(value)}`,
  );
}

function orgServerOf(value: unknown): ResolvedOrgServerClient {
  if (!isPlainObject(value)) {
    throw configError(
      `\`introspection.orgServer\` must be an object { clientId, ... }; found ${found(value)}`,
    );
  }
  rejectUnknownNames(value, ORG_SERVER_NAMES, 'introspection.orgServer.');
  return {
    ...clientOf(value, 'introspection.orgServer.'),
    audiences: optional(value.audience, undefined, (audience) =>
      stringOrStringList(audience, 'introspection.orgServer.audience'),
    ),
  };
}

function clientOf(value: Record<string, unknown>, where: string): ResolvedClient {
  const clientId = nonEmptyString(value.clientId, `${where}clientId`);
  const clientSecret = optional(value.clientSecret, undefined, (secret) =>
    nonEmptyString(secret, `${where}clientSecret`),
  );
  const privateKey = optional(value.privateKey, undefined, (key) => privateKeyOf(key, `${where}privateKey`));
  if ((clientSecret === undefined) === (privateKey === undefined)) {
    throw configError(
      `give exactly one of \`${where}clientSecret\` and \`${where}privateKey\`: the introspection endpoint ` +
        'requires this API to authenticate (RFC 7662 section 2.1)',
    );
  }
  const method = optional(value.clientAuthMethod, undefined, (given) => {
    if (!(METHODS as readonly unknown[]).includes(given)) {
      throw configError(
        `\`${where}clientAuthMethod\` must be one of ${METHODS.join(', ')}; found ${found(given)}`,
      );
    }
    return given as ClientAuthMethod;
  });
  const resolved = method ?? (privateKey === undefined ? 'client_secret_basic' : 'private_key_jwt');
  if ((resolved === 'private_key_jwt') !== (privateKey !== undefined)) {
    throw configError(
      `\`${where}clientAuthMethod\` ${found(resolved)} does not fit the credential given: ` +
        'private_key_jwt takes `privateKey`, the client_secret methods take `clientSecret`',
    );
  }
  return { clientId, method: resolved, clientSecret, privateKey };
}

function privateKeyOf(value: unknown, name: string): ResolvedClient['privateKey'] {
  if (!isPlainObject(value) || typeof value.kty !== 'string' || typeof value.d !== 'string') {
    throw configError(`\`${name}\` must be a private JWK (with "kty" and "d"); found ${found(value)}`);
  }
  const inferred =
    value.kty === 'RSA'
      ? 'RS256'
      : value.crv === 'P-256'
        ? 'ES256'
        : value.crv === 'Ed25519'
          ? 'EdDSA'
          : undefined;
  const alg = value.alg ?? inferred;
  const fits =
    (value.kty === 'RSA' && (alg === 'RS256' || alg === 'PS256')) ||
    (value.kty === 'EC' && value.crv === 'P-256' && alg === 'ES256') ||
    (value.kty === 'OKP' && value.crv === 'Ed25519' && alg === 'EdDSA');
  if (!fits) {
    throw configError(
      `\`${name}\` must be an RSA (RS256, PS256), P-256 (ES256) or Ed25519 (EdDSA) private JWK; found kty ` +
        `${found(value.kty)}${value.crv === undefined ? '' : `, crv ${found(value.crv)}`}${value.alg === undefined ? '' : `, alg ${found(value.alg)}`}`,
    );
  }
  return Object.freeze({ jwk: Object.freeze({ ...value }), alg: alg as AssertionAlgorithm });
}

function storeOf(value: unknown): CacheStore {
  const store = value as Partial<CacheStore> | null;
  if (
    typeof store !== 'object' ||
    store === null ||
    typeof store.get !== 'function' ||
    typeof store.set !== 'function'
  ) {
    throw configError(
      `\`introspection.store\` must be a cache store with get(key) and set(key, value, ttlMs), such as ` +
        `createMemoryStore() or createRedisStore(); found ${found(value)}`,
    );
  }
  return store as CacheStore;
}
