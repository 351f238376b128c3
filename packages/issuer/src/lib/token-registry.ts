import { createHash, randomBytes } from 'node:crypto';
import type { IntrospectionReshape } from '../types.js';

/** An opaque access token is this many random bytes, base64url: no dots, so never mistaken for a JWT. */
const OPAQUE_TOKEN_BYTES = 32;

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function expiryOf(claims: Record<string, unknown>): number {
  return typeof claims.exp === 'number' ? claims.exp : Number.POSITIVE_INFINITY;
}

/** Scopes taken back from one live token, kept until the token's `exp` in epoch seconds. */
interface Withdrawal {
  readonly scopes: Set<string>;
  readonly exp: number;
}

/** How introspection answers about one live token instead of the usual (see {@link IntrospectionReshape}). */
interface Reshape extends IntrospectionReshape {
  readonly exp: number;
}

/**
 * What one server remembers about the access tokens it issued: the claims behind its opaque
 * tokens (kept by hash), the `jti`s of revoked JWTs (RFC 7009 §2), the scopes withdrawn from
 * live tokens and the introspection answers reshaped for them (by hash), each until the token
 * would have expired anyway.
 */
export class TokenRegistry {
  readonly #opaque = new Map<string, Record<string, unknown>>();
  /** Revoked `jti` → the token's `exp` in epoch seconds. */
  readonly #revoked = new Map<string, number>();
  readonly #withdrawn = new Map<string, Withdrawal>();
  readonly #reshaped = new Map<string, Reshape>();

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
    const key = digest(token);
    this.#withdrawn.delete(key);
    this.#reshaped.delete(key);
    return this.#opaque.delete(key);
  }

  /**
   * Takes `scopes` back from a live token whose claims are `claims`, as a user withdrawing
   * consent to them would: the token stays live, its introspection answer lists the rest.
   */
  withdrawScopes(
    token: string,
    claims: Record<string, unknown>,
    scopes: readonly string[],
    nowSeconds: number,
  ): void {
    this.#dropExpired(nowSeconds);
    const key = digest(token);
    const withdrawal = this.#withdrawn.get(key) ?? { scopes: new Set<string>(), exp: expiryOf(claims) };
    for (const scope of scopes) withdrawal.scopes.add(scope);
    this.#withdrawn.set(key, withdrawal);
  }

  /** `claims` of `token` without the scopes withdrawn from it (a copy when any were). */
  withoutWithdrawn(token: string, claims: Record<string, unknown>): Record<string, unknown> {
    const withdrawal = this.#withdrawn.get(digest(token));
    if (withdrawal === undefined || !Array.isArray(claims.scp)) return claims;
    return { ...claims, scp: claims.scp.filter((scope) => !withdrawal.scopes.has(scope)) };
  }

  /** From now on, introspection answers about a live token whose claims are `claims` as `reshape` says. */
  reshapeIntrospection(
    token: string,
    claims: Record<string, unknown>,
    reshape: IntrospectionReshape,
    nowSeconds: number,
  ): void {
    this.#dropExpired(nowSeconds);
    const { omit, set } = reshape;
    this.#reshaped.set(digest(token), {
      ...(omit === undefined ? {} : { omit: omit === 'all' ? omit : [...omit] }),
      ...(set === undefined ? {} : { set: { ...set } }),
      exp: expiryOf(claims),
    });
  }

  /** `response`, an active answer about `token`, as reshaped for it (a copy when it was). */
  reshapedAnswer(token: string, response: Record<string, unknown>): Record<string, unknown> {
    const reshape = this.#reshaped.get(digest(token));
    if (reshape === undefined) return response;
    const { omit = [], set = {} } = reshape;
    const kept =
      omit === 'all'
        ? { active: response.active }
        : Object.fromEntries(Object.entries(response).filter(([name]) => !omit.includes(name)));
    return { ...kept, ...set, active: response.active };
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
    for (const [key, withdrawal] of this.#withdrawn) {
      if (withdrawal.exp <= nowSeconds) this.#withdrawn.delete(key);
    }
    for (const [key, reshape] of this.#reshaped) {
      if (reshape.exp <= nowSeconds) this.#reshaped.delete(key);
    }
  }
}
