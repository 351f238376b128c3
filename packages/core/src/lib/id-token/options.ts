/**
 * Options of `createIdTokenVerifier` and of its `verify`, checked eagerly (`ERR_CONFIG` naming the
 * option). The settings ID tokens share with access tokens (algorithms, clock tolerance, key
 * timing, transport, ...) go through the access-token resolver, so each has one set of rules:
 * `clientId` stands where the API's `audience` stands, and the org-server rule is off.
 */

import type { IdTokenVerifierOptions, VerifyIdTokenOptions } from '../../id-token-types.js';
import { parseIssuer } from '../../issuer.js';
import type { AccessTokenVerifierOptions } from '../../options.js';
import type { AuthorizationServerInfo } from '../../types.js';
import { lifetimeLimit } from '../options/issuers.js';
import {
  configError,
  found,
  isPlainObject,
  nonEmptyString,
  rejectUnknownNames,
  seconds,
  stringList,
} from '../options/option-checks.js';
import {
  type ResolvedIssuer,
  type ResolvedVerifierOptions,
  resolveVerifierOptions,
} from '../options/resolve.js';

export interface ResolvedIdTokenOptions {
  /** The shared settings; `issuers` and the result cache are not used. */
  readonly settings: ResolvedVerifierOptions;
  readonly target: ResolvedIssuer;
  readonly clientId: string;
  /** Audiences allowed in `aud` besides `clientId`. */
  readonly trustedAudiences: readonly string[];
}

const OPTION_NAMES: ReadonlySet<string> = new Set([
  'issuer',
  'clientId',
  'trustedAudiences',
  'jwksUri',
  'allowInsecureHttp',
  'algorithms',
  'clockTolerance',
  'maxTokenAge',
  'maxTokenLifetime',
  'maxTokenSize',
  'requiredClaims',
  'allowedJwksOrigins',
  'httpTimeout',
  'jwksCacheMaxAge',
  'discoveryCacheMaxAge',
  'jwksCooldown',
  'staleIfError',
  'fetch',
  'transport',
  'clock',
  'onEvent',
]);

export function resolveIdTokenOptions(input: IdTokenVerifierOptions): ResolvedIdTokenOptions {
  if (!isPlainObject(input)) throw configError(`options must be an object; found ${found(input)}`);
  rejectUnknownNames(input, OPTION_NAMES, '');
  const { clientId, trustedAudiences, ...shared } = input as Record<string, unknown>;
  if (shared.issuer === undefined) {
    throw configError(
      '`issuer` is required: the authorization server that signs the ID tokens, e.g. ' +
        '"https://acme.okta.com" (org server) or "https://acme.okta.com/oauth2/default"',
    );
  }
  if (clientId === undefined) {
    throw configError("`clientId` is required: this application's client id, which ID tokens name in `aud`");
  }
  const client = nonEmptyString(clientId, 'clientId');
  const trusted = trustedAudiences === undefined ? [] : stringList(trustedAudiences, 'trustedAudiences');
  const settings = resolveVerifierOptions({
    ...shared,
    audience: client,
    orgServerRules: false,
    resultCache: false,
  } as AccessTokenVerifierOptions);
  const resolved = settings.issuers[0]!;
  const server = serverOf(resolved.issuer);
  // Validated above; here the org server counts as the vendor's too, since ID tokens may come from it.
  const lifetimeOption = shared.maxTokenLifetime as number | false | undefined;
  return {
    settings,
    target: { ...resolved, server, maxTokenLifetime: lifetimeLimit(lifetimeOption, server.kind !== 'other') },
    clientId: client,
    trustedAudiences: trusted,
  };
}

/** The issuer classified without the org-server rule: here an org server is a legitimate signer. */
function serverOf(issuer: string): AuthorizationServerInfo {
  const parsed = parseIssuer(issuer);
  if (parsed.kind === 'custom') return Object.freeze({ kind: 'custom', id: parsed.id, issuer });
  return Object.freeze({ kind: parsed.kind, issuer });
}

const CALL_OPTION_NAMES: ReadonlySet<string> = new Set([
  'nonce',
  'accessToken',
  'code',
  'maxAge',
  'acrValues',
]);

/** Checks the shape of `verify`'s options (`ERR_CONFIG`: a programming error, never a token error). */
export function readIdTokenCallOptions(options: unknown): VerifyIdTokenOptions {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw configError(`verify options must be an object; found ${found(options)}`);
  rejectUnknownNames(options, CALL_OPTION_NAMES, 'verify.');
  const { nonce, accessToken, code, maxAge, acrValues } = options;
  for (const [name, value] of [
    ['nonce', nonce],
    ['accessToken', accessToken],
    ['code', code],
  ] as const) {
    if (value !== undefined) nonEmptyString(value, `verify.${name}`);
  }
  if (maxAge !== undefined) seconds(maxAge, 'verify.maxAge', { min: 0, max: Number.MAX_SAFE_INTEGER });
  if (acrValues !== undefined && stringList(acrValues, 'verify.acrValues').length === 0) {
    throw configError('`verify.acrValues` must not be empty; omit it to accept any acr');
  }
  return options as VerifyIdTokenOptions;
}
