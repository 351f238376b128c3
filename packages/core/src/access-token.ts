/**
 * `createAccessTokenVerifier`, built once per runtime: the default entry passes the web runtime,
 * the Node entry the Node runtime; everything else is shared (DESIGN "Runtime split").
 */
import {
  type AccessTokenPipeline,
  createAccessTokenPipeline,
  type VerifyTarget,
} from './lib/access-token/pipeline.js';
import { readCallChecks } from './lib/checks/call-checks.js';
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
        allowInsecureHttp: entry.allowInsecureHttp,
        algorithms: entry.algorithms,
        transport,
        signatures: runtime.signatures,
        clock: settings.clock,
        onEvent: settings.onEvent,
      }),
    }));
    return createVerifier(targets, createAccessTokenPipeline(settings, targets, runtime), settings);
  };
}

function createVerifier(
  targets: readonly VerifyTarget[],
  pipeline: AccessTokenPipeline,
  settings: Pick<ResolvedVerifierOptions, 'realm' | 'resource'>,
): AccessTokenVerifier {
  const warm = () => Promise.all(targets.map((target) => target.keys.warm())).then(() => undefined);
  return Object.freeze({
    issuers: Object.freeze(targets.map((target) => target.issuer)),
    realm: settings.realm,
    resource: settings.resource,
    verify(token: string, options?: VerifyAccessTokenOptions): Promise<AccessTokenResult> {
      try {
        const outcome = pipeline(token, readCallChecks(options));
        return outcome instanceof Promise ? outcome : Promise.resolve(outcome);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    warm,
    hydrate: warm,
  });
}
