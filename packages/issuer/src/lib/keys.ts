import { generateKeyPair, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { PublishedJwk, SigningAlg } from '../types.js';

/** A signing key pair with its public JWK. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: PublishedJwk;
}

export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'ES256', 'PS256', 'EdDSA'];

export function isSigningAlg(value: unknown): value is SigningAlg {
  return typeof value === 'string' && (SIGNING_ALGS as readonly string[]).includes(value);
}

/** Random kid, unique across every server of the process (collision odds 2^-192). */
function randomKid(): string {
  return randomBytes(24).toString('base64url');
}

function generatePair(alg: SigningAlg): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (alg) {
    case 'RS256':
    case 'PS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
  }
}

const generatePairAsync = promisify(generateKeyPair);

/** Off-thread variant of {@link generatePair}, so several servers' keys are made in parallel at start. */
function generatePairInBackground(alg: SigningAlg): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  switch (alg) {
    case 'RS256':
    case 'PS256':
      return generatePairAsync('rsa', { modulusLength: 2048 });
    case 'ES256':
      return generatePairAsync('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generatePairAsync('ed25519');
  }
}

function signingKey(alg: SigningAlg, pair: { privateKey: KeyObject; publicKey: KeyObject }): SigningKey {
  const kid = randomKid();
  const exported = pair.publicKey.export({ format: 'jwk' });
  const jwk: PublishedJwk = { ...exported, kty: exported.kty ?? '', kid, alg, use: 'sig' };
  return { kid, alg, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
}

function generateSigningKey(alg: SigningAlg): SigningKey {
  return signingKey(alg, generatePair(alg));
}

export async function generateSigningKeyInBackground(alg: SigningAlg): Promise<SigningKey> {
  return signingKey(alg, await generatePairInBackground(alg));
}

interface RingEntry {
  key: SigningKey;
  /** Epoch ms after which the key leaves the JWKS; `undefined` = published until retired. */
  unpublishAt: number | undefined;
  retired: boolean;
}

/**
 * The key pairs of one authorization server: one active key per algorithm, older keys kept
 * published for an overlap so verifiers holding cached tokens keep working (OIDC Core §10.1.1).
 */
export class KeyRing {
  readonly #entries = new Map<string, RingEntry>();
  readonly #active = new Map<SigningAlg, SigningKey>();
  readonly #unpublished = new Map<SigningAlg, SigningKey>();

  constructor(
    readonly defaultAlg: SigningAlg,
    /** Seconds a rotated-out key stays published. */
    private readonly rotationOverlap: number,
    /** First active key, made ahead of time; generated here when omitted. */
    initialKey: SigningKey = generateSigningKey(defaultAlg),
  ) {
    this.#publish(initialKey);
  }

  /** Adds a published key and makes it the active key for its algorithm. */
  add(alg: SigningAlg): SigningKey {
    const key = generateSigningKey(alg);
    this.#publish(key);
    return key;
  }

  #publish(key: SigningKey): void {
    this.#entries.set(key.kid, { key, unpublishAt: undefined, retired: false });
    this.#active.set(key.alg, key);
  }

  /** New active key of the default algorithm; the previous one is unpublished after the overlap. */
  rotate(now = Date.now()): SigningKey {
    const previous = this.#active.get(this.defaultAlg);
    const next = this.add(this.defaultAlg);
    const entry = previous && this.#entries.get(previous.kid);
    if (entry && Number.isFinite(this.rotationOverlap)) {
      entry.unpublishAt = now + this.rotationOverlap * 1000;
    }
    return next;
  }

  retire(kid: string): void {
    const entry = this.#entries.get(kid);
    if (!entry) throw new Error(`retireKey: no key with kid "${kid}" on this server`);
    entry.retired = true;
  }

  /** Active key for `alg` (default algorithm when omitted); throws when none was added. */
  active(alg: SigningAlg = this.defaultAlg): SigningKey {
    const key = this.#active.get(alg);
    if (!key) throw new Error(`no ${alg} key on this server: call addKey('${alg}') first`);
    return key;
  }

  /** A key of this server that no JWKS serves, one per algorithm, created on first use. */
  unpublished(alg: SigningAlg = this.defaultAlg): SigningKey {
    let key = this.#unpublished.get(alg);
    if (!key) {
      key = generateSigningKey(alg);
      this.#unpublished.set(alg, key);
    }
    return key;
  }

  /** Keys the JWKS endpoint serves right now. */
  published(now = Date.now()): SigningKey[] {
    const keys: SigningKey[] = [];
    for (const entry of this.#entries.values()) {
      const expired = entry.unpublishAt !== undefined && entry.unpublishAt <= now;
      if (!entry.retired && !expired) keys.push(entry.key);
    }
    return keys;
  }

  /** Published key with this kid, for verifying this server's own tokens (introspect, userinfo). */
  findPublished(kid: string, now = Date.now()): SigningKey | undefined {
    return this.published(now).find((key) => key.kid === kid);
  }

  /** Algorithms of the published keys, for `id_token_signing_alg_values_supported`. */
  publishedAlgs(now = Date.now()): SigningAlg[] {
    return [...new Set(this.published(now).map((key) => key.alg))];
  }
}
