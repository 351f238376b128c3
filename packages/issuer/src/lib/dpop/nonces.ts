import { randomBytes } from 'node:crypto';

/** How long a nonce is handed out before a new one replaces it; the previous one stays valid as long again. */
const NONCE_ROTATION_MS = 120_000;

/**
 * Server-provided DPoP nonces of one token endpoint (RFC 9449 §8): one current nonce, replaced
 * every two minutes, with the previous one still accepted so a client that just fetched it is
 * not bounced.
 */
export class DpopNonces {
  #current = { value: '', issuedAt: Number.NEGATIVE_INFINITY };
  #previous: string | undefined;

  /** The nonce to send in `DPoP-Nonce`, rotated when it has been handed out long enough. */
  current(now = Date.now()): string {
    if (now - this.#current.issuedAt >= NONCE_ROTATION_MS) {
      const stillFresh = now - this.#current.issuedAt < 2 * NONCE_ROTATION_MS;
      this.#previous = stillFresh ? this.#current.value : undefined;
      this.#current = { value: randomBytes(24).toString('base64url'), issuedAt: now };
    }
    return this.#current.value;
  }

  /** Whether a proof's `nonce` is one this endpoint handed out recently. */
  accepts(nonce: string, now = Date.now()): boolean {
    const current = this.current(now);
    return nonce === current || (this.#previous !== undefined && nonce === this.#previous);
  }
}
