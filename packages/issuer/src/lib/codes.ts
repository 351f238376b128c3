import { randomBytes } from 'node:crypto';
import type { SignIn } from './session.js';

/** Lifetime of an authorization code; RFC 6749 §4.1.2 recommends at most 10 minutes. */
const CODE_LIFETIME_MS = 60_000;

export interface AuthorizationGrant {
  serverId: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  nonce: string | undefined;
  codeChallenge: string;
  /** The (automatic) sign-in of the test user: level, methods and time. */
  signIn: SignIn;
  /** RFC 8707 resource indicators of the request; the token's `aud` when given. */
  resources: string[];
}

/** Issued authorization codes; each can be redeemed once (RFC 6749 §4.1.2). */
export class CodeStore {
  readonly #codes = new Map<string, AuthorizationGrant & { expiresAt: number }>();

  issue(grant: AuthorizationGrant, now = Date.now()): string {
    this.#dropExpired(now);
    const code = randomBytes(32).toString('base64url');
    this.#codes.set(code, { ...grant, expiresAt: now + CODE_LIFETIME_MS });
    return code;
  }

  /** The grant behind an unexpired code, removing it so a second redemption fails. */
  redeem(code: string, now = Date.now()): AuthorizationGrant | undefined {
    const grant = this.#codes.get(code);
    this.#codes.delete(code);
    if (!grant || grant.expiresAt <= now) return undefined;
    return grant;
  }

  #dropExpired(now: number): void {
    for (const [code, grant] of this.#codes) {
      if (grant.expiresAt <= now) this.#codes.delete(code);
    }
  }
}
