/**
 * The result of an access token that passed every check: built once per verification, and
 * copied once more for the result cache.
 */
import { scopesOf } from '../../scopes.js';
import type { AccessTokenClaims, AccessTokenResult, JwtHeader } from '../../types.js';
import type { ResolvedIssuer } from '../options/resolve.js';
import { deepFreeze } from '../token/deep-freeze.js';

/** The frozen result of a token whose claims passed every check (introspection builds it too). */
export function buildResult(
  token: string,
  header: JwtHeader | undefined,
  claims: AccessTokenClaims,
  audience: readonly string[],
  target: Pick<ResolvedIssuer, 'server'>,
): AccessTokenResult {
  const clientId = claims.cid ?? claims.client_id;
  // The header is frozen by the decoder; `audience` is `aud` itself (frozen with the claims) or a
  // fresh one-element list, so nothing needs a copy. Two literals rather than a spread: the result
  // has a `clientId` member only when the token names one.
  const frozenClaims = deepFreeze(claims);
  const frozenAudience = Object.freeze(audience);
  return Object.freeze(
    clientId === undefined
      ? {
          token,
          header,
          claims: frozenClaims,
          issuer: claims.iss,
          subject: claims.sub,
          audience: frozenAudience,
          scopes: scopesOf(claims),
          expiresAt: new Date(claims.exp * 1000),
          server: target.server,
        }
      : {
          token,
          header,
          claims: frozenClaims,
          issuer: claims.iss,
          subject: claims.sub,
          audience: frozenAudience,
          scopes: scopesOf(claims),
          clientId,
          expiresAt: new Date(claims.exp * 1000),
          server: target.server,
        },
  );
}

/**
 * The result cache's own copy of a result (see `createResultCache` for why it must not keep the
 * object the verification built). Claims and header are shared: they are frozen, and JSON.parse
 * and the header memo, not object literals, allocate them. The audience and the scopes may be
 * lists built on the verification path (`[aud]`, a `scope` string split), so they are copied too.
 */
export function copyForCache(result: AccessTokenResult): AccessTokenResult {
  return Object.freeze({
    ...result,
    audience: Object.freeze([...result.audience]),
    scopes: Object.freeze([...result.scopes]),
  });
}
