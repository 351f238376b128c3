import { createHash, randomBytes } from 'node:crypto';

/** An opaque access token is this many random bytes, base64url: no dots, so never mistaken for a JWT. */
const OPAQUE_TOKEN_BYTES = 32;

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function expiryOf(claims: Record<string, unknown>): number {
  return typeof claims.exp === 'number' ? claims.exp : Number.POSITIVE_INFINITY;
}

/**
 * What one server remembers about the access tokens it issued: the claims behind its opaque
 * tokens (kept by hash) and the `jti`s of revoked JWTs (RFC 7009 §2), each until the token
 * would have expired anyway.
 */
export class TokenRegistry {
  readonly #opaque = new Map<string, Record<string, unknown>>();
  /** Revoked `jti` → the token's `exp` in epoch seconds. */
  readonly #revoked = new Map<string, number>();

  /** Issues an opaque token standing for these claims. */
  issueOpaque(claims: Record<string, unknown>, nowSeconds: number): string {
    this.#dropExpired(nowSeconds);
    const token = randomBytes(OPAQUE_TOKEN_BYTES).toString('base64url');
    this.#opaque.set(digest(token), { ...claims });
    return token;
  }

  /** The claims of an opaque token this server issued and has not revoked. */
  opaqueClaims(token: string): Record<string, unknown> | undefined {
    return this.#opaque.get(digest(token));
  }

  /** Forgets an opaque token; `true` when it was known. */
  revokeOpaque(token: string): boolean {
    return this.#opaque.delete(digest(token));
  }

  /** Marks a JWT as revoked by its `jti` until its `exp`. */
  revokeJwt(claims: Record<string, unknown>, nowSeconds: number): boolean {
    if (typeof claims.jti !== 'string') return false;
    this.#dropExpired(nowSeconds);
    this.#revoked.set(claims.jti, expiryOf(claims));
    return true;
  }

  isRevoked(claims: Record<string, unknown>): boolean {
    return typeof claims.jti === 'string' && this.#revoked.has(claims.jti);
  }

  #dropExpired(nowSeconds: number): void {
    for (const [key, claims] of this.#opaque) {
      if (expiryOf(claims) <= nowSeconds) this.#opaque.delete(key);
    }
    for (const [jti, exp] of this.#revoked) {
      if (exp <= nowSeconds) this.#revoked.delete(jti);
    }
  }
}
