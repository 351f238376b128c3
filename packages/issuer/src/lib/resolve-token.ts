import type { TokenRegistry } from './token-registry.js';
import { type JwtIssuer, verifyOwnToken } from './verify-own.js';

/** The parts of a server that know its tokens: its keys, its opaque tokens and its revocations. */
export interface TokenIssuer extends JwtIssuer {
  readonly tokens: TokenRegistry;
}

/** A live token of one server, with the claims it stands for. */
export interface ActiveToken {
  readonly format: 'jwt' | 'opaque';
  readonly claims: Record<string, unknown>;
}

/**
 * The token as this server knows it, if it is live: an opaque token it issued, or a JWT signed
 * with one of its published keys naming it as `iss`; unexpired, already valid, and not revoked;
 * its scopes without those withdrawn from it since. A sibling server's token is unknown here, so
 * never active (RFC 7662 §2.2).
 */
export function resolveActiveToken(
  server: TokenIssuer,
  token: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): ActiveToken | undefined {
  const opaque = server.tokens.opaqueClaims(token);
  if (opaque) {
    const live = typeof opaque.exp !== 'number' || opaque.exp > nowSeconds;
    const started = typeof opaque.nbf !== 'number' || opaque.nbf <= nowSeconds;
    return live && started
      ? { format: 'opaque', claims: server.tokens.withoutWithdrawn(token, opaque) }
      : undefined;
  }
  const claims = verifyOwnToken(server, token, nowSeconds);
  if (!claims || server.tokens.isRevoked(claims)) return undefined;
  return { format: 'jwt', claims: server.tokens.withoutWithdrawn(token, claims) };
}
