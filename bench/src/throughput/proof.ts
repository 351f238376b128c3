import type { TokenSet } from '../lib/fixture.js';
import type { Contender, ContenderDefinition } from './contender.js';

/** What a contender was shown to accept and refuse before it was timed. */
export interface Proof {
  readonly contender: string;
  readonly accepted: string;
  readonly refused: readonly string[];
  /** Refusals that need a claim check, not asked of the signature-only limit. */
  readonly notApplicable: readonly string[];
}

async function settles(verify: () => unknown): Promise<{ ok: true } | { ok: false; error: unknown }> {
  try {
    await verify();
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Aborts the benchmark unless the contender accepts the valid token and refuses every invalid one:
 * a verifier that skips a check would otherwise win by doing less work.
 */
export async function prove(
  definition: ContenderDefinition,
  contender: Contender,
  set: TokenSet,
): Promise<Proof> {
  const verify = contender.bind([set.same, ...set.invalid.map((invalid) => invalid.token)]);
  const valid = await settles(() => verify(0));
  if (!valid.ok) {
    throw new Error(`${definition.name} refused the valid ${set.alg} token`, { cause: valid.error });
  }
  const refused: string[] = [];
  const notApplicable: string[] = [];
  for (const [offset, invalid] of set.invalid.entries()) {
    if (invalid.needsClaimCheck && !definition.checksClaims) {
      notApplicable.push(invalid.reason);
      continue;
    }
    const outcome = await settles(() => verify(offset + 1));
    if (outcome.ok) throw new Error(`${definition.name} accepted a ${set.alg} token with ${invalid.reason}`);
    refused.push(invalid.reason);
  }
  return { contender: definition.name, accepted: `valid ${set.alg} token`, refused, notApplicable };
}
