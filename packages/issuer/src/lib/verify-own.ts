import { parseCompact } from './compact.js';
import { verifyCompact } from './jws.js';
import type { KeyRing } from './keys.js';

/** The parts of a server that say whether a JWT is its own. */
export interface JwtIssuer {
  readonly issuer: string;
  readonly keyRing: KeyRing;
}

/**
 * Claims of a token this server issued and still publishes the key for, if it is unexpired;
 * otherwise `undefined` (RFC 7662 §2.2 does not say why a token is inactive).
 */
export function verifyOwnToken(
  server: JwtIssuer,
  token: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Record<string, unknown> | undefined {
  const parsed = parseCompact(token);
  if (!parsed) return undefined;
  const { header, payload: claims } = parsed;
  if (typeof header.kid !== 'string') return undefined;
  const key = server.keyRing.findPublished(header.kid);
  if (!key || header.alg !== key.alg || !verifyCompact(token, key.alg, key.publicKey)) return undefined;
  if (claims.iss !== server.issuer) return undefined;
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return undefined;
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds) return undefined;
  return claims;
}
