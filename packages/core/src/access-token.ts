/**
 * `createAccessTokenVerifier`, built once per runtime: the default entry passes the web runtime,
 * the Node entry the Node runtime; everything else is shared (docs/ARCHITECTURE.md, "The runtime seam").
 */

import { KEY_SNAPSHOT_VERSION, type KeySetSnapshot } from './key-snapshot.js';
import {
  type AccessTokenCache,
  type AccessTokenPipeline,
  type ConfirmAtIssuer,
  createAccessTokenCache,
  createAccessTokenPipeline,
  type VerifyTarget,
} from './lib/access-token/pipeline.js';
import { readCallChecks } from './lib/checks/call-checks.js';
import { createIntrospectingPipeline } from './lib/introspection/pipeline.js';
import { createIssuerKeys, KEY_DEFAULTS } from './lib/keys/issuer-keys.js';
import { restoreSnapshot } from './lib/keys/key-snapshot.js';
import { configError } from './lib/options/option-checks.js';
import { type ResolvedVerifierOptions, resolveVerifierOptions } from './lib/options/resolve.js';
import { withTwin } from './lib/request/verify-now.js';
import type { AccessTokenVerifierOptions } from './options.js';
import type { Runtime } from './runtime.js';
import type { AccessTokenResult, AccessTokenVerifier, VerifyAccessTokenOptions } from './types.js';

export type CreateAccessTokenVerifier = (options: AccessTokenVerifierOptions) => AccessTokenVerifier;

/**
 * The `createAccessTokenVerifier` of one runtime; with `introspectionOnly`, its
 * `createIntrospectionVerifier` (options checked alike, every token introspected).
 */
export function accessTokenVerifierFactory(
  runtime: Runtime,
  introspectionOnly = false,
): CreateAccessTokenVerifier {
  return (options) => {
    const settings = resolveVerifierOptions(options, introspectionOnly);
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
        tracing: runtime.tracing,
      }),
    }));
    if (settings.snapshot !== undefined) restoreSnapshot(settings.snapshot, targets, settings.onEvent);
    const cache = createAccessTokenCache(settings);
    const local = (confirm?: ConfirmAtIssuer) =>
      createAccessTokenPipeline(settings, targets, runtime, cache, confirm);
    const { introspection } = settings;
    const pipeline =
      introspection === undefined
        ? local()
        : createIntrospectingPipeline({ settings, introspection, local, transport, runtime });
    // An introspection-only verifier never needs keys: warming it would fetch them for nothing.
    const warmed = introspection?.mode === 'only' ? [] : targets;
    return createVerifier(
      warmed,
      settings.issuers,
      pipeline,
      cache,
      settings,
      runtime.signatures.synchronous === true,
    );
  };
}

function createVerifier(
  targets: readonly VerifyTarget[],
  issuers: readonly { readonly issuer: string }[],
  pipeline: AccessTokenPipeline,
  cache: AccessTokenCache | undefined,
  settings: Pick<ResolvedVerifierOptions, 'realm' | 'resource' | 'dpop'>,
  canVerifySync: boolean,
): AccessTokenVerifier {
  const warm = () => Promise.all(targets.map((target) => target.keys.warm())).then(() => undefined);
  const verifier = Object.freeze({
    issuers: Object.freeze(issuers.map((entry) => entry.issuer)),
    realm: settings.realm,
    resource: settings.resource,
    dpop:
      settings.dpop === undefined
        ? undefined
        : Object.freeze({ mode: settings.dpop.mode, algorithms: settings.dpop.algorithms }),
    verify(token: string, options?: VerifyAccessTokenOptions): Promise<AccessTokenResult> {
      try {
        const outcome = pipeline(token, readCallChecks(options), false);
        return outcome instanceof Promise ? outcome : Promise.resolve(outcome);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    verifySync(token: string, options?: VerifyAccessTokenOptions): AccessTokenResult {
      if (!canVerifySync) {
        throw configError(
          'verifySync needs a synchronous signature check, which only the Node entry has; use verify',
        );
      }
      const call = readCallChecks(options);
      if (call.dpop !== undefined) {
        throw configError(
          'verifySync cannot check a DPoP proof: its replay store answers asynchronously; use verify',
        );
      }
      // With a synchronous primitive, no fetching and a bearer token, the pipeline answers a
      // result, never a promise.
      return pipeline(token, call, true) as AccessTokenResult;
    },
    warm,
    hydrate: warm,
    snapshot(): KeySetSnapshot {
      const issuers = targets.flatMap((target) => target.keys.snapshot() ?? []);
      return { version: KEY_SNAPSHOT_VERSION, issuers };
    },
  });
  // The request step's entries: `verify` without wrapping an answer that is ready now in a
  // promise, and the result cache asked whether a token verified before.
  return withTwin(verifier, {
    now: (token, options) => pipeline(token, readCallChecks(options), false),
    verifiedBefore: cache === undefined ? undefined : (token) => cache.holds(token),
  });
}
