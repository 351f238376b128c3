import { CLIENT_AUTH_METHODS } from '../lib/client-auth.js';
import type { EndpointContext } from '../lib/context.js';
import { DPOP_ALGS } from '../lib/dpop/proof.js';
import { SIGNING_ALGS } from '../lib/keys.js';
import { ACR_VALUES } from '../test-user.js';

/** Confidential methods only: introspection and revocation never serve anonymous callers. */
const CONFIDENTIAL_AUTH_METHODS = CLIENT_AUTH_METHODS.filter((method) => method !== 'none');

import { sendJson, sendMethodNotAllowed } from '../lib/http.js';

const BASE_SCOPES = ['openid', 'profile', 'email'];

const CLAIMS_SUPPORTED = [
  'iss',
  'sub',
  'aud',
  'iat',
  'exp',
  'jti',
  'auth_time',
  'acr',
  'amr',
  'idp',
  'nonce',
  'at_hash',
  'c_hash',
  'name',
  'preferred_username',
  'email',
  'email_verified',
  'ver',
  'cid',
  'uid',
  'scp',
  'cnf',
];

/** Scopes advertised: the OIDC ones plus every scope registered for a client of this server. */
function scopesSupported(context: EndpointContext): string[] {
  const scopes = new Set(BASE_SCOPES);
  for (const client of context.state.clients.all()) {
    if (client.servers && !client.servers.includes(context.server.id)) continue;
    for (const scope of client.scopes ?? []) scopes.add(scope);
  }
  return [...scopes];
}

/**
 * OIDC Discovery §3 / RFC 8414 §2 metadata. Both documents carry the same values (RFC 9068 §4);
 * only the OIDC one names the userinfo endpoint.
 */
function metadataDocument(context: EndpointContext): Record<string, unknown> {
  const { server } = context;
  return {
    issuer: context.issuerOverride ?? server.issuer,
    authorization_endpoint: server.authorizationEndpoint,
    token_endpoint: server.tokenEndpoint,
    jwks_uri: server.jwksUri,
    introspection_endpoint: server.introspectionEndpoint,
    revocation_endpoint: server.revocationEndpoint,
    ...(context.metadata === 'openid' ? { userinfo_endpoint: server.userinfoEndpoint } : {}),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'client_credentials'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: server.keyRing.publishedAlgs(),
    scopes_supported: scopesSupported(context),
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: SIGNING_ALGS,
    introspection_endpoint_auth_methods_supported: CONFIDENTIAL_AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: SIGNING_ALGS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: SIGNING_ALGS,
    code_challenge_methods_supported: ['S256'],
    claims_supported: CLAIMS_SUPPORTED,
    authorization_response_iss_parameter_supported: true,
    dpop_signing_alg_values_supported: DPOP_ALGS,
    acr_values_supported: ACR_VALUES,
  };
}

export async function handleDiscovery(context: EndpointContext): Promise<void> {
  const { req, res } = context;
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendMethodNotAllowed(res, ['GET']);
  sendJson(res, 200, metadataDocument(context));
}
