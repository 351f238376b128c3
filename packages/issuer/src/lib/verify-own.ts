import type { ReferenceAuthServer } from '../auth-server.js';
import { parseCompact } from './compact.js';
import { verifyCompact } from './jws.js';

/**
 * Claims of a token this server issued and still publishes the key for, if it is unexpired;
 * otherwise `undefined` (RFC 7662 §2.2 does not say why a token is inactive).
 */
export function verifyOwnToken(
  server: ReferenceAuthServer,
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
