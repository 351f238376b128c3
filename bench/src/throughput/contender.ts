import type { Alg, VerifierTarget } from '../lib/fixture.js';

/**
 * Verifies the token at an index of the list it was bound to; throws or rejects when the token is
 * not acceptable. Sync verifiers return a value, async ones a promise: both are awaited alike.
 */
export type BoundVerify = (index: number) => unknown;

export interface Contender {
  /** Verifier ready for a token list; per-token preparation (the limit's pre-split) happens here. */
  bind(tokens: readonly string[]): BoundVerify;
}

export interface ContenderDefinition {
  /** Name in tables, e.g. `fast-jwt (cache)`. */
  readonly name: string;
  /** npm package whose version is recorded. */
  readonly packageName: string;
  /** How it is called, for the README and RESULTS.md. */
  readonly howCalled: string;
  /** Algorithms it can verify; a missing one is explained in `exclusions`. */
  readonly algs: readonly Alg[];
  /** Whether it checks claims (everything but the signature-only node:crypto limit). */
  readonly checksClaims: boolean;
  create(target: VerifierTarget): Promise<Contender>;
}

/** A verifier that is the same for every token: the list only selects the token. */
export function perToken(verify: (token: string) => unknown): Contender {
  return {
    bind(tokens) {
      return (index) => verify(tokens[index]!);
    },
  };
}
