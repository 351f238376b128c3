/** Most remembered identifiers; beyond it the earliest remembered is dropped. */
const MAX_ENTRIES = 100_000;

/**
 * Identifiers seen once within their acceptance window: DPoP proof `jti`s (RFC 9449 §11.1) and
 * client assertion `jti`s (RFC 7523 §3 item 7). Each is remembered until its window closes.
 */
export class ReplayGuard {
  /** Key → epoch ms after which the key could not be accepted again anyway. */
  readonly #seen = new Map<string, number>();

  /** `true` the first time a key is seen before `expiresAt`, `false` for a replay. */
  markOnce(key: string, expiresAt: number, now = Date.now()): boolean {
    this.#dropExpired(now);
    const known = this.#seen.get(key);
    if (known !== undefined && known > now) return false;
    this.#seen.set(key, expiresAt);
    if (this.#seen.size > MAX_ENTRIES) this.#dropOldest();
    return true;
  }

  /**
   * Entries arrive in roughly expiry order, so sweeping from the front until a live one is cheap;
   * a stray expired entry further back is still ignored by the `known > now` check.
   */
  #dropExpired(now: number): void {
    for (const [key, expiresAt] of this.#seen) {
      if (expiresAt > now) return;
      this.#seen.delete(key);
    }
  }

  #dropOldest(): void {
    const oldest = this.#seen.keys().next();
    if (!oldest.done) this.#seen.delete(oldest.value);
  }
}
