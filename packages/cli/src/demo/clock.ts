/**
 * The demo's clock: real time plus jumps. Key-set lifetimes and the stale-if-error window last a
 * minute at least, so instead of waiting the demo moves its verifiers' clock forward (core's
 * `clock` option); tokens and the issuer keep real time.
 */
export class DemoClock {
  #offsetMs = 0;

  /** Epoch milliseconds as the demo's verifiers see them. */
  readonly now = (): number => Date.now() + this.#offsetMs;

  /** Moves the clock forward to `epochMs` (never backwards). */
  advanceTo(epochMs: number): void {
    const ahead = epochMs - this.now();
    if (ahead > 0) this.#offsetMs += ahead;
  }

  /** Seconds the clock has been moved forward in total. */
  get skippedSeconds(): number {
    return Math.round(this.#offsetMs / 1000);
  }
}
