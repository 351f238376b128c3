import type { ActiveToken } from './resolve-token.js';

/** Claims copied as they are into an introspection response (RFC 7662 §2.2, RFC 9449 §6.2, RFC 9470 §3). */
const COPIED_CLAIMS = ['exp', 'iat', 'nbf', 'sub', 'aud', 'iss', 'jti', 'uid', 'cnf', 'acr', 'auth_time'];

function isBound(claims: Record<string, unknown>): boolean {
  const cnf = claims.cnf;
  return typeof cnf === 'object' && cnf !== null && typeof (cnf as Record<string, unknown>).jkt === 'string';
}

/**
 * The RFC 7662 §2.2 answer for a live token: `scope` as a space-separated string, `client_id`
 * from `cid`, `username` for user tokens (the vendor's login in `sub`), `token_type` `DPoP` for a
 * bound token (RFC 9449 §6.2) and `Bearer` otherwise, and the registered claims as they are.
 */
export function introspectionResponse(token: ActiveToken): Record<string, unknown> {
  const { claims } = token;
  const response: Record<string, unknown> = { active: true, token_type: isBound(claims) ? 'DPoP' : 'Bearer' };
  if (Array.isArray(claims.scp)) response.scope = claims.scp.join(' ');
  if (typeof claims.cid === 'string') response.client_id = claims.cid;
  if (typeof claims.uid === 'string' && typeof claims.sub === 'string') response.username = claims.sub;
  for (const name of COPIED_CLAIMS) {
    if (claims[name] !== undefined) response[name] = claims[name];
  }
  return response;
}
