/** Shared setup of the integration tests: the reference issuer on loopback and failure capture. */
import type { AccessTokenVerifierOptions } from '../../src/node.js';

export const SERVERS = ['default', 'payments'];

/** The verifier's rejection, as the fields tests compare. */
export async function rejectionOf(promise: Promise<unknown>): Promise<{
  code: string;
  message: string;
  status: number;
  headers: Record<string, string>;
}> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; status: number; headers: Record<string, string> };
  }
  throw new Error('expected verify to reject');
}

/** A clock the test moves by hand, starting at the real time (the issuer mints with it). */
export function manualClock(): { now: () => number; advance(seconds: number): void; seconds(): number } {
  let current = Date.now();
  return {
    now: () => current,
    advance(seconds) {
      current += seconds * 1000;
    },
    seconds: () => Math.floor(current / 1000),
  };
}

export type Options = AccessTokenVerifierOptions;
