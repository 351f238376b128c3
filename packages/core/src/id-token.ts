/**
 * `createIdTokenVerifier`: checks an OpenID Connect ID token the way a client must before it
 * trusts who signed in (OIDC Core §3.1.3.7, §3.2.2.9, §3.3.2.11). It shares
 * decoding, the algorithm allow-list, issuer routing, keys and errors with the access-token
 * verifier; org servers are allowed here, since SSO with OIDC is what they are for.
 */
import type { CreateIdTokenVerifier, IdTokenResult, VerifyIdTokenOptions } from './id-token-types.js';
import { readIdTokenCallOptions, resolveIdTokenOptions } from './lib/id-token/options.js';
import { createIdTokenPipeline } from './lib/id-token/pipeline.js';
import { createIssuerKeys, KEY_DEFAULTS } from './lib/keys/issuer-keys.js';
import type { Runtime } from './runtime.js';

/** The `createIdTokenVerifier` of one runtime (each entry passes its own). */
export function idTokenVerifierFactory(runtime: Runtime): CreateIdTokenVerifier {
  return (options) => {
    const config = resolveIdTokenOptions(options);
    const { settings, target } = config;
    const keys = createIssuerKeys({
      ...KEY_DEFAULTS,
      ...settings.keyTiming,
      issuer: target.issuer,
      jwksUri: target.jwksUri,
      allowedJwksOrigins: target.allowedJwksOrigins,
      allowInsecureHttp: target.allowInsecureHttp,
      algorithms: target.algorithms,
      transport: settings.transport ?? runtime.createTransport({ fetch: settings.fetch }),
      signatures: runtime.signatures,
      clock: settings.clock,
      onEvent: settings.onEvent,
      tracing: runtime.tracing,
    });
    const pipeline = createIdTokenPipeline(config, keys, runtime);

    const verify = async (idToken: string, callOptions?: VerifyIdTokenOptions): Promise<IdTokenResult> =>
      pipeline(idToken, readIdTokenCallOptions(callOptions));
    return Object.freeze({
      issuer: target.issuer,
      clientId: config.clientId,
      verify,
      warm: () => keys.warm(),
    });
  };
}
