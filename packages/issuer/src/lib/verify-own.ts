import type { ReferenceAuthServer } from '../auth-server.js';
import { verifyCompact } from './jws.js';

function decodeSegment(segment: string | undefined): Record<string, unknown> | undefined {
  if (segment === undefined || !/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Claims of a token this server issued and still publishes the key for, if it is unexpired;
 * otherwise `undefined` (RFC 7662 §2.2 does not say why a token is inactive).
 */
export function verifyOwnToken(
  server: ReferenceAuthServer,
  token: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = decodeSegment(parts[0]);
  const claims = decodeSegment(parts[1]);
  if (!header || !claims || typeof header.kid !== 'string') return undefined;
  const key = server.keyRing.findPublished(header.kid);
  if (!key || header.alg !== key.alg || !verifyCompact(token, key.alg, key.publicKey)) return undefined;
  if (claims.iss !== server.issuer) return undefined;
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return undefined;
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds) return undefined;
  return claims;
}
