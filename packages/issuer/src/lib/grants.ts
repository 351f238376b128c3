import { createHash } from 'node:crypto';
import type { ReferenceAuthServer } from '../auth-server.js';
import { TEST_USER, testUserProfileClaims } from '../test-user.js';
import type { ClientRegistration } from '../types.js';
import { isConfidential, parseScope, scopesAllowed } from './clients.js';
import type { CodeStore } from './codes.js';
import type { Params } from './form.js';
import { audienceFor, parseResources } from './resource.js';

/** Access and ID tokens issued by the token endpoint live one hour, like the vendor's defaults. */
const TOKEN_LIFETIME_SECONDS = 3600;

/** RFC 7636 §4.1: code_verifier = 43*128 unreserved characters. */
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** One token request, after client authentication and the DPoP check. */
export interface GrantRequest {
  readonly server: ReferenceAuthServer;
  readonly client: ClientRegistration;
  readonly params: Params;
  readonly codes: CodeStore;
  /** RFC 7638 thumbprint of the DPoP proof key; the token is bound to it (RFC 9449 §6.1). */
  readonly dpopJkt: string | undefined;
}

export type GrantResult =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; status: 400 | 401; error: string; description: string };

function grantError(error: string, description: string): GrantResult {
  return { ok: false, status: 400, error, description };
}

/** RFC 6749 §4.4: a confidential client gets a token for itself; scopes default to its registered ones. */
export async function clientCredentialsGrant(request: GrantRequest): Promise<GrantResult> {
  const { server, client, params, dpopJkt } = request;
  if (!isConfidential(client)) {
    return grantError('unauthorized_client', 'client_credentials needs a confidential client');
  }
  const requested = params.get('scope');
  const scopes = requested === undefined ? [...(client.scopes ?? [])] : parseScope(requested);
  if (!scopes) return grantError('invalid_scope', 'scope is not a list of valid scope tokens');
  if (!scopesAllowed(client, scopes)) {
    return grantError('invalid_scope', `Client may not request: ${scopes.join(' ')}`);
  }
  const resources = parseResources(params.getAll('resource'));
  if (!resources.ok) return grantError('invalid_target', resources.description);
  const accessToken = await server.mintAccessToken(
    { sub: client.clientId, cid: client.clientId, scp: scopes },
    {
      expiresIn: TOKEN_LIFETIME_SECONDS,
      audience: audienceFor(resources.resources),
      dpopJkt,
      format: client.accessTokenFormat,
    },
  );
  return {
    ok: true,
    body: {
      token_type: tokenType(dpopJkt),
      expires_in: TOKEN_LIFETIME_SECONDS,
      access_token: accessToken,
      scope: scopes.join(' '),
    },
  };
}

/** RFC 9449 §5: a bound token is announced as `DPoP`, so the client sends it with that scheme. */
function tokenType(dpopJkt: string | undefined): 'DPoP' | 'Bearer' {
  return dpopJkt === undefined ? 'Bearer' : 'DPoP';
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Profile claims the granted scopes release (OIDC Core §5.4). */
function profileClaimsFor(scopes: readonly string[]): Record<string, unknown> {
  const { name, preferred_username, email, email_verified } = testUserProfileClaims();
  return {
    ...(scopes.includes('profile') ? { name, preferred_username } : {}),
    ...(scopes.includes('email') ? { email, email_verified } : {}),
  };
}

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.6, S256 only): the code is single-use and bound to the
 * client, the redirect URI and the server that issued it.
 */
export async function authorizationCodeGrant(request: GrantRequest): Promise<GrantResult> {
  const { server, client, params, codes, dpopJkt } = request;
  const code = params.get('code');
  const redirectUri = params.get('redirect_uri');
  const verifier = params.get('code_verifier');
  if (code === undefined) return grantError('invalid_request', 'code is required');
  if (redirectUri === undefined) return grantError('invalid_request', 'redirect_uri is required');
  if (verifier === undefined) return grantError('invalid_request', 'code_verifier is required (PKCE)');
  if (!CODE_VERIFIER.test(verifier)) return grantError('invalid_request', 'code_verifier is malformed');
  const requested = parseResources(params.getAll('resource'));
  if (!requested.ok) return grantError('invalid_target', requested.description);
  const grant = codes.redeem(code);
  if (!grant || grant.serverId !== server.id || grant.clientId !== client.clientId) {
    return grantError('invalid_grant', 'Authorization code is invalid, expired, used, or for another client');
  }
  if (grant.redirectUri !== redirectUri) return grantError('invalid_grant', 'redirect_uri does not match');
  if (s256(verifier) !== grant.codeChallenge) return grantError('invalid_grant', 'PKCE verification failed');
  // RFC 8707 §2.2: the token request may narrow the audience to resources the user authorized.
  const unauthorized = requested.resources.filter(
    (resource) => grant.resources.length > 0 && !grant.resources.includes(resource),
  );
  if (unauthorized.length > 0) {
    return grantError(
      'invalid_target',
      `resource was not in the authorization request: ${unauthorized.join(' ')}`,
    );
  }
  const resources = requested.resources.length > 0 ? requested.resources : grant.resources;

  const lifetime = { expiresIn: TOKEN_LIFETIME_SECONDS };
  const { signIn } = grant;
  const accessToken = await server.mintAccessToken(
    {
      sub: TEST_USER.login,
      uid: TEST_USER.id,
      cid: client.clientId,
      scp: grant.scopes,
      // RFC 9470 §3: what the resource server checks for step-up.
      acr: signIn.acr,
      auth_time: signIn.authTime,
    },
    { ...lifetime, audience: audienceFor(resources), dpopJkt, format: client.accessTokenFormat },
  );
  const body: Record<string, unknown> = {
    token_type: tokenType(dpopJkt),
    expires_in: TOKEN_LIFETIME_SECONDS,
    access_token: accessToken,
    scope: grant.scopes.join(' '),
  };
  if (grant.scopes.includes('openid')) {
    body.id_token = await server.mintIdToken(
      {
        sub: TEST_USER.id,
        auth_time: signIn.authTime,
        acr: signIn.acr,
        amr: signIn.amr,
        ...profileClaimsFor(grant.scopes),
        ...(grant.nonce === undefined ? {} : { nonce: grant.nonce }),
      },
      { ...lifetime, clientId: client.clientId, accessToken },
    );
  }
  return { ok: true, body };
}
