/**
 * `createAccessTokenVerifier`, built once per runtime: the default entry passes the web runtime,
 * the Node entry the Node runtime; everything else is shared (DESIGN "Runtime split").
 */
import { DEFAULT_REALM, isTokenwardError } from './errors.js';
import { emit } from './events.js';
import {
  type AccessTokenPipeline,
  createAccessTokenPipeline,
  type VerifyTarget,
} from './lib/access-token/pipeline.js';
import { applyCallChecks, readCallChecks } from './lib/checks/call-checks.js';
import { createIssuerKeys, KEY_DEFAULTS } from './lib/keys/issuer-keys.js';
import { type ResolvedVerifierOptions, resolveVerifierOptions } from './lib/options/resolve.js';
import type { AccessTokenVerifierOptions } from './options.js';
import type { Runtime } from './runtime.js';
import type { AccessTokenResult, AccessTokenVerifier, VerifyAccessTokenOptions } from './types.js';

export type CreateAccessTokenVerifier = (options: AccessTokenVerifierOptions) => AccessTokenVerifier;

/** The `createAccessTokenVerifier` of one runtime. */
export function accessTokenVerifierFactory(runtime: Runtime): CreateAccessTokenVerifier {
  return (options) => {
    const settings = resolveVerifierOptions(options);
    const transport = settings.transport ?? runtime.createTransport({ fetch: settings.fetch });
    const targets: VerifyTarget[] = settings.issuers.map((entry) => ({
      ...entry,
      keys: createIssuerKeys({
        ...KEY_DEFAULTS,
        ...settings.keyTiming,
        issuer: entry.issuer,
        jwksUri: entry.jwksUri,
        allowedJwksOrigins: entry.allowedJwksOrigins,
        algorithms: entry.algorithms,
        transport,
        signatures: runtime.signatures,
        clock: settings.clock,
        onEvent: settings.onEvent,
      }),
    }));
    return createVerifier(settings, targets, createAccessTokenPipeline(settings, targets, runtime));
  };
}

function createVerifier(
  settings: ResolvedVerifierOptions,
  targets: readonly VerifyTarget[],
  pipeline: AccessTokenPipeline,
): AccessTokenVerifier {
  /** Reports a failure and gives it the configured realm. */
  const fail = (error: unknown, issuer: string | undefined): unknown => {
    if (!isTokenwardError(error)) return error;
    emit(settings.onEvent, { type: 'verification_failed', issuer, code: error.code, message: error.message });
    return settings.realm === DEFAULT_REALM ? error : error.withRealm(settings.realm);
  };
  const finish = (result: AccessTokenResult, checks: VerifyAccessTokenOptions | undefined) => {
    applyCallChecks(result, checks);
    return result;
  };
  const warm = () => Promise.all(targets.map((target) => target.keys.warm())).then(() => undefined);

  return Object.freeze({
    issuers: Object.freeze(targets.map((target) => target.issuer)),
    realm: settings.realm,
    verify(token: string, options?: VerifyAccessTokenOptions): Promise<AccessTokenResult> {
      const trace = { issuer: undefined as string | undefined };
      try {
        const checks = readCallChecks(options);
        const outcome = pipeline(token, trace);
        if (!(outcome instanceof Promise)) return Promise.resolve(finish(outcome, checks));
        return outcome
          .then((result) => finish(result, checks))
          .then(undefined, (error: unknown) => Promise.reject(fail(error, trace.issuer)));
      } catch (error) {
        return Promise.reject(fail(error, trace.issuer));
      }
    },
    warm,
    hydrate: warm,
  });
}
