import type { BoundVerify } from './contender.js';

/** `serial`: each verification awaited before the next; `batch64`: 64 at a time under `Promise.all`. */
export type CallMode = 'serial' | 'batch64';

export const CALL_MODES: readonly CallMode[] = ['serial', 'batch64'];

const BATCH_SIZE = 64;
/** Verifications between clock reads in serial mode; a clock read costs far less than one verify. */
const SERIAL_STRIDE = 8;

/**
 * Position in a token list that survives between samples, so a cache smaller than the list
 * never sees the tokens a warm-up just put in it.
 */
export class Cursor {
  #next = 0;
  constructor(readonly size: number) {}

  advance(): number {
    const current = this.#next;
    this.#next = current + 1 === this.size ? 0 : current + 1;
    return current;
  }
}

/** Calls `verify` for at least `durationMs` and returns verifications per second. */
export async function measure(
  verify: BoundVerify,
  cursor: Cursor,
  mode: CallMode,
  durationMs: number,
): Promise<number> {
  let operations = 0;
  let elapsed = 0;
  const start = performance.now();
  if (mode === 'serial') {
    do {
      for (let step = 0; step < SERIAL_STRIDE; step++) await verify(cursor.advance());
      operations += SERIAL_STRIDE;
      elapsed = performance.now() - start;
    } while (elapsed < durationMs);
  } else {
    const batch: unknown[] = new Array(BATCH_SIZE);
    do {
      for (let slot = 0; slot < BATCH_SIZE; slot++) batch[slot] = verify(cursor.advance());
      await Promise.all(batch);
      operations += BATCH_SIZE;
      elapsed = performance.now() - start;
    } while (elapsed < durationMs);
  }
  return operations / (elapsed / 1000);
}
