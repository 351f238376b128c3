/**
 * `@tokenward/core`, default entry: web-standard APIs only (`fetch`, WebCrypto through jose), for
 * browsers, edge runtimes and Node alike. Node resolves the `node` entry instead (same API).
 */
import { accessTokenVerifierFactory } from './access-token.js';
import { idTokenVerifierFactory } from './id-token.js';
import type { CreateIdTokenVerifier } from './id-token-types.js';
import { webRuntime } from './lib/runtime/portable/web-runtime.js';
import type { AccessTokenVerifierOptions, IntrospectionVerifierOptions } from './options.js';
import type { AccessTokenVerifier } from './types.js';

export * from './public-api.js';

// The factories are marked pure so that every bundler, not only those that analyse calls, drops the
// one a page does not import (scripts/size.mjs measures the ID-token path alone).

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
  /* @__PURE__ */ accessTokenVerifierFactory(webRuntime);

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
  /* @__PURE__ */ accessTokenVerifierFactory(webRuntime, true) as (
    options: IntrospectionVerifierOptions,
  ) => AccessTokenVerifier;

/**
 * Creates a verifier of OpenID Connect ID tokens for one client of one issuer (org or custom
 * server). Options are checked now: a bad one throws `TokenwardError` `ERR_CONFIG` naming it.
 *
 * @example
 * const idTokens = createIdTokenVerifier({ issuer: 'https://acme.okta.com', clientId: '0oa1b2c3d4' });
 * const { subject, profile } = await idTokens.verify(idToken, { nonce, accessToken });
 */
export const createIdTokenVerifier: CreateIdTokenVerifier =
  /* @__PURE__ */ idTokenVerifierFactory(webRuntime);
