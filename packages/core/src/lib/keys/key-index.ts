/**
 * One installed key set, indexed for the per-request lookup: a token's (`kid`, `alg`) names at
 * most one key, found with two Map reads, and each key is imported once per algorithm and reused.
 * A token is never tried against a second key (BCP-1: one key, one algorithm).
 */
import { TokenwardError } from '../../errors.js';
import type { SignaturePrimitive, VerificationKey } from '../../runtime.js';
import { describeShape } from '../jose/algorithms.js';
import { QUOTED_LENGTH, quote } from '../quote.js';
import type { SkippedKey, UsableKey } from './key-set.js';

export interface ResolvedKey {
  readonly kid: string | undefined;
  readonly alg: string;
  readonly key: VerificationKey;
  /**
   * Generation of the key set the key was found in: a result verified with it may be cached
   * only while that generation is current, so the cache never outlives the key.
   */
  readonly generation: number;
}

interface IndexedKey {
  readonly usable: UsableKey;
  /** Imported keys by algorithm, ready for the synchronous fast path. */
  readonly resolved: Map<string, ResolvedKey>;
  /** Imports started, by algorithm; a failed import stays failed for the life of the set. */
  readonly importing: Map<string, Promise<ResolvedKey>>;
}

/** `null` marks an ambiguous slot: more than one key would fit. */
type Slot = IndexedKey | null;

export type KeyLookup =
  | { readonly kind: 'found'; readonly entry: IndexedKey }
  /** The token names a key that exists, but that key cannot serve its `alg`, or several could. */
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'missing'; readonly reason: string };

export class KeyIndex {
  /** kid → alg → key. */
  private readonly byKid = new Map<string, Map<string, Slot>>();
  /** alg → the only key serving it, for tokens without `kid`. */
  private readonly byAlg = new Map<string, Slot>();
  private readonly entries: IndexedKey[];
  /** kid → why the published key with that kid was skipped. */
  private readonly skipped = new Map<string, string>();
  /** The key-set generation this index was installed as; set once, when installed. */
  generation = 0;

  constructor(
    keys: readonly UsableKey[],
    skipped: readonly SkippedKey[],
    private readonly signatures: SignaturePrimitive,
  ) {
    for (const key of skipped) if (key.kid !== undefined) this.skipped.set(key.kid, key.reason);
    this.entries = keys.map((usable) => ({ usable, resolved: new Map(), importing: new Map() }));
    for (const entry of this.entries) {
      for (const alg of entry.usable.algorithms) {
        fill(this.byAlg, alg, entry);
        if (entry.usable.kid === undefined) continue;
        let slots = this.byKid.get(entry.usable.kid);
        if (slots === undefined) {
          slots = new Map();
          this.byKid.set(entry.usable.kid, slots);
        }
        fill(slots, alg, entry);
      }
    }
  }

  /** The usable keys, as published (for a snapshot). */
  get keys(): readonly UsableKey[] {
    return this.entries.map((entry) => entry.usable);
  }

  /** Number of usable keys. */
  get size(): number {
    return this.entries.length;
  }

  /** Canonical content, to tell a changed key set from the same one served again. */
  get fingerprint(): string {
    return this.entries
      .map((entry) => entry.usable.fingerprint)
      .sort()
      .join('\n');
  }

  /** The imported key for a token, if it is already imported; no allocation. */
  peek(kid: string | undefined, alg: string): ResolvedKey | undefined {
    const slot = kid === undefined ? this.byAlg.get(alg) : this.byKid.get(kid)?.get(alg);
    return slot?.resolved.get(alg);
  }

  lookup(kid: string | undefined, alg: string): KeyLookup {
    const slot = kid === undefined ? this.byAlg.get(alg) : this.byKid.get(kid)?.get(alg);
    if (slot) return { kind: 'found', entry: slot };
    if (kid === undefined) {
      // IDT-13: without a `kid`, only a set with exactly one candidate key is unambiguous.
      return slot === null
        ? {
            kind: 'refused',
            reason: `the token has no "kid" and several keys could verify ${alg} (${this.kids()})`,
          }
        : { kind: 'missing', reason: `the token has no "kid" and no key serves ${alg} (${this.kids()})` };
    }
    if (slot === null)
      return { kind: 'refused', reason: `several keys have kid ${quoteKid(kid)} and serve ${alg}` };
    const sameKid = this.entries.filter((entry) => entry.usable.kid === kid);
    if (sameKid.length > 0) {
      const shapes = sameKid.map(({ usable }) => describeKey(usable)).join(', ');
      return { kind: 'refused', reason: `kid ${quoteKid(kid)} is ${shapes}, which cannot verify ${alg}` };
    }
    const skippedBecause = this.skipped.get(kid);
    if (skippedBecause !== undefined) {
      return {
        kind: 'refused',
        reason: `kid ${quoteKid(kid)} is published but unusable: it ${skippedBecause}`,
      };
    }
    return { kind: 'missing', reason: `kid ${quoteKid(kid)} is not in the key set (${this.kids()})` };
  }

  /** Imports the key for `alg` on first use; later calls get the same import. */
  resolve(entry: IndexedKey, alg: string): Promise<ResolvedKey> {
    const done = entry.resolved.get(alg);
    if (done !== undefined) return Promise.resolve(done);
    let pending = entry.importing.get(alg);
    if (pending === undefined) {
      const { kid } = entry.usable;
      pending = Promise.resolve()
        .then(() => this.signatures.importKey(entry.usable.jwk, alg))
        .then(
          (key) => {
            // Keys are imported only from an installed index, whose generation is fixed.
            const resolved: ResolvedKey = { kid, alg, key, generation: this.generation };
            entry.resolved.set(alg, resolved);
            return resolved;
          },
          (error: unknown) => {
            const name = kid === undefined ? 'the key without kid' : `kid ${quoteKid(kid)}`;
            const detail = error instanceof Error ? error.message : String(error);
            throw new TokenwardError(
              'ERR_KEY_NOT_FOUND',
              `Key ${name} (${describeKey(entry.usable)}) could not be imported for ${alg}: ${detail}`,
              { cause: error },
            );
          },
        );
      entry.importing.set(alg, pending);
    }
    return pending;
  }

  /**
   * Imports every key for each algorithm it serves, so that a set just installed answers `peek`
   * (the synchronous path, `verifySync`) before any token asked for it. A key that fails to import
   * stays failed and is reported when a token names it, as with a lazy import.
   */
  importAll(): Promise<void> {
    const imports = this.entries.flatMap((entry) =>
      entry.usable.algorithms.map((alg) => this.resolve(entry, alg).then(ignore, ignore)),
    );
    return Promise.all(imports).then(ignore);
  }

  /** The kids on offer, for messages. */
  kids(): string {
    const kids = this.entries.map(({ usable }) =>
      usable.kid === undefined ? '(no kid)' : quoteKid(usable.kid),
    );
    return kids.length === 0 ? 'no keys' : `kids: ${kids.join(', ')}`;
  }
}

function ignore(): void {}

function fill(slots: Map<string, Slot>, alg: string, entry: IndexedKey): void {
  slots.set(alg, slots.has(alg) ? null : entry);
}

function describeKey(key: UsableKey): string {
  const restriction = key.algorithms.length === 1 ? ` for ${key.algorithms[0]} only` : '';
  return `${describeShape(key.kty, key.crv)}${restriction}`;
}

/** A `kid` comes from the token and is untrusted (RFC 8725 §3.10): quoted, and cut when long. */
export function quoteKid(kid: string): string {
  return quote(kid, QUOTED_LENGTH.kid);
}
