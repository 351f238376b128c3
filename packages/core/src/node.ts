/**
 * `@tokenward/core`, Node entry (the `node` export condition): the same API as the default entry,
 * with an undici agent for discovery and JWKS and synchronous `node:crypto` signature checks.
 */
import type { Dispatcher } from 'undici';
import { accessTokenVerifierFactory } from './access-token.js';
import { idTokenVerifierFactory } from './id-token.js';
import type { IdTokenVerifier, IdTokenVerifierOptions as PortableIdTokenOptions } from './id-token-types.js';
import { configError, found, isPlainObject } from './lib/options/option-checks.js';
import { createUndiciTransport, nodeRuntime } from './lib/runtime/node/node-runtime.js';
import type {
  IntrospectionVerifierOptions as PortableIntrospectionOptions,
  AccessTokenVerifierOptions as PortableOptions,
} from './options.js';
import type { AccessTokenVerifier } from './types.js';

export * from './public-api.js';

/** Options only the Node entry has. */
export interface NodeTransportOptions {
  /**
   * The undici dispatcher for discovery and JWKS requests, e.g. `new Agent({ connect: { ca } })`
   * for a private CA or a `ProxyAgent`. Not together with `fetch` or `transport`. Default: an undici
   * `Agent` (an `EnvHttpProxyAgent` when `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` are set).
   */
  readonly dispatcher?: Dispatcher;
}

/** Options of `createAccessTokenVerifier` in the Node entry: the portable ones plus `dispatcher`. */
export type AccessTokenVerifierOptions = PortableOptions & NodeTransportOptions;

/** Options of `createIntrospectionVerifier` in the Node entry: the portable ones plus `dispatcher`. */
export type IntrospectionVerifierOptions = PortableIntrospectionOptions & NodeTransportOptions;

/** Options of `createIdTokenVerifier` in the Node entry: the portable ones plus `dispatcher`. */
export type IdTokenVerifierOptions = PortableIdTokenOptions & NodeTransportOptions;

/**
 * Adds the `dispatcher` option to a portable factory: it becomes an undici transport, so
 * everything past option parsing is the shared implementation.
 */
function withDispatcher<Options extends { fetch?: unknown; transport?: unknown }, Verifier>(
  create: (options: Options) => Verifier,
): (options: Options & NodeTransportOptions) => Verifier {
  return (options) => {
    if (!isPlainObject(options) || options.dispatcher === undefined) return create(options);
    const { dispatcher, ...portable } = options;
    if (portable.fetch !== undefined || portable.transport !== undefined) {
      throw configError('give one of `dispatcher`, `fetch` or `transport`, not several');
    }
    if (!isPlainObject(dispatcher) || typeof (dispatcher as { dispatch?: unknown }).dispatch !== 'function') {
      throw configError(
        `\`dispatcher\` must be an undici Dispatcher (e.g. an Agent); found ${found(dispatcher)}`,
      );
    }
    return create({ ...portable, transport: createUndiciTransport({ dispatcher }) } as unknown as Options);
  };
}

/**
 * Creates a verifier of access tokens from the configured issuer(s). Options are checked now:
 * a bad one throws `TokenwardError` `ERR_CONFIG` naming it.
 *
 * @example
 * const verifier = createAccessTokenVerifier({
 *   issuer: 'https://acme.okta.com/oauth2/default',
 *   audience: 'api://default',
 * });
 * const auth = await verifier.verify(token, { scopes: ['orders:read'] });
 */
export const createAccessTokenVerifier: (options: AccessTokenVerifierOptions) => AccessTokenVerifier =
  withDispatcher(accessTokenVerifierFactory(nodeRuntime));

/**
 * Creates a verifier that asks the authorization server about every token (RFC 7662
 * introspection) and checks none locally: for opaque tokens, or where revocation must count on
 * every request. Same options, result and errors as `createAccessTokenVerifier`, with a required
 * `introspection` client (and no `mode`).
 *
 * @example
 * const verifier = createIntrospectionVerifier({
 *   issuer: 'https://acme.okta.com/oauth2/default',
 *   audience: 'api://default',
 *   introspection: { clientId: '0oa...', clientSecret: process.env.INTROSPECTION_SECRET },
 * });
 */
export const createIntrospectionVerifier: (options: IntrospectionVerifierOptions) => AccessTokenVerifier =
  withDispatcher(
    accessTokenVerifierFactory(nodeRuntime, true) as (
      options: PortableIntrospectionOptions,
    ) => AccessTokenVerifier,
  );

/**
 * Creates a verifier of OpenID Connect ID tokens for one client of one issuer (org or custom
 * server). Options are checked now: a bad one throws `TokenwardError` `ERR_CONFIG` naming it.
 *
 * @example
 * const idTokens = createIdTokenVerifier({ issuer: 'https://acme.okta.com', clientId: '0oa1b2c3d4' });
 * const { subject, profile } = await idTokens.verify(idToken, { nonce, accessToken });
 */
export const createIdTokenVerifier: (options: IdTokenVerifierOptions) => IdTokenVerifier = withDispatcher(
  idTokenVerifierFactory(nodeRuntime),
);
