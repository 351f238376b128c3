/**
 * Stateless server nonces (RFC 9449 section 8, section 9): a nonce is a time step and an HMAC of it under the
 * first configured key, so every instance holding the same keys accepts every other's nonces
 * without sharing state. A nonce is accepted during its step and the next; any configured key may
 * have made it, so keys rotate by putting the new one first and keeping the old one second.
 */
import type { DigestPrimitive } from '../../runtime.js';
import { encodeBase64url } from '../jose/base64url.js';

/** Seconds per nonce step: a nonce is accepted for at least this long and at most twice as long. */
export const NONCE_STEP_SECONDS = 60;
/** Characters of base64url MAC kept in a nonce: 22 carry 132 bits, beyond guessing. */
const MAC_LENGTH = 22;

export type NonceVerdict = 'current' | 'previous' | 'invalid';

export interface ServerNonces {
  /** The nonce to hand out now. */
  current(nowMs: number): Promise<string>;
  /** Whether `nonce` is one of ours and recent: of the current step or the one before. */
  check(nonce: string, nowMs: number): Promise<NonceVerdict>;
}

export function createServerNonces(keys: readonly Uint8Array[], digests: DigestPrimitive): ServerNonces {
  const macs = keys.map((key) => digests.hmacSha256(key));
  // Nonces are the same for everyone within a step: each step's are computed once, per key.
  const byStep = new Map<number, Promise<readonly string[]>>();

  function noncesOf(step: number): Promise<readonly string[]> {
    let nonces = byStep.get(step);
    if (nonces === undefined) {
      const label = step.toString(36);
      nonces = Promise.all(
        macs.map(
          async (mac) =>
            `${label}.${encodeBase64url(await mac(`tokenward dpop nonce ${label}`)).slice(0, MAC_LENGTH)}`,
        ),
      );
      byStep.set(step, nonces);
      // Only the current and previous steps are ever asked for again.
      for (const known of byStep.keys()) if (known < step - 1) byStep.delete(known);
    }
    return nonces;
  }

  const stepAt = (nowMs: number) => Math.floor(nowMs / 1000 / NONCE_STEP_SECONDS);

  return {
    current: async (nowMs) => (await noncesOf(stepAt(nowMs)))[0]!,
    async check(nonce, nowMs) {
      const step = stepAt(nowMs);
      const label = nonce.slice(0, nonce.indexOf('.'));
      // Only the two steps we accept are ever computed, whatever step a forged nonce names.
      if (label === step.toString(36) && (await noncesOf(step)).some((known) => equal(known, nonce)))
        return 'current';
      if (
        label === (step - 1).toString(36) &&
        (await noncesOf(step - 1)).some((known) => equal(known, nonce))
      )
        return 'previous';
      return 'invalid';
    },
  };
}

/** Compares without stopping at the first difference, so timing says nothing about a valid MAC. */
function equal(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index += 1) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
}
