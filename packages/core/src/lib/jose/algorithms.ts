/**
 * The one table of signature-algorithm facts (RFC 7518 §3, RFC 8037 §3.1): the key shape each
 * algorithm needs, its hash, its signature scheme and the lengths that go with it. Both signature
 * back-ends, the key-set checks and the `at_hash`/`c_hash` checks read it, so adding an algorithm
 * is one row here, and a key is only ever used with an algorithm its shape serves (BCP-1): an
 * RSA key never reaches ECDSA, nor a P-256 key ES384.
 */
import { LIMITS } from '../../defaults.js';

export type KeyType = 'RSA' | 'EC' | 'OKP';
export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';
export type SignatureScheme = 'RSASSA-PKCS1-v1_5' | 'RSASSA-PSS' | 'ECDSA' | 'EdDSA';

export interface AlgorithmFacts {
  readonly kty: KeyType;
  /** JWK `crv` for EC and OKP keys. */
  readonly crv: string | undefined;
  readonly scheme: SignatureScheme;
  /**
   * The hash the algorithm signs with, which is also the one `at_hash`/`c_hash` use. EdDSA on
   * Ed25519 hashes with SHA-512 internally (RFC 8032 §5.1; OIDC Core errata set 2 §3.1.3.6).
   */
  readonly hash: HashName;
  /**
   * Exact signature length in bytes for ECDSA (RFC 7518 §3.4: R ‖ S, each as long as a curve
   * coordinate) and EdDSA (RFC 8032 §5.1.6); RSA signatures are as long as the modulus.
   */
  readonly signatureLength: number | undefined;
  /** RSASSA-PSS salt length: the hash length (RFC 7518 §3.5). */
  readonly pssSaltLength: number | undefined;
}

const rsa = (scheme: SignatureScheme, hash: HashName, pssSaltLength?: number): AlgorithmFacts =>
  Object.freeze({ kty: 'RSA', crv: undefined, scheme, hash, signatureLength: undefined, pssSaltLength });

const curve = (kty: KeyType, crv: string, scheme: SignatureScheme, hash: HashName, signatureLength: number) =>
  Object.freeze({ kty, crv, scheme, hash, signatureLength, pssSaltLength: undefined }) as AlgorithmFacts;

const TABLE = {
  RS256: rsa('RSASSA-PKCS1-v1_5', 'SHA-256'),
  RS384: rsa('RSASSA-PKCS1-v1_5', 'SHA-384'),
  RS512: rsa('RSASSA-PKCS1-v1_5', 'SHA-512'),
  PS256: rsa('RSASSA-PSS', 'SHA-256', 32),
  PS384: rsa('RSASSA-PSS', 'SHA-384', 48),
  PS512: rsa('RSASSA-PSS', 'SHA-512', 64),
  ES256: curve('EC', 'P-256', 'ECDSA', 'SHA-256', 64),
  ES384: curve('EC', 'P-384', 'ECDSA', 'SHA-384', 96),
  ES512: curve('EC', 'P-521', 'ECDSA', 'SHA-512', 132),
  // RFC 8037 §3.1 also allows Ed448 under EdDSA; the primitives implement Ed25519 only.
  EdDSA: curve('OKP', 'Ed25519', 'EdDSA', 'SHA-512', 64),
} as const satisfies Record<string, AlgorithmFacts>;

export type SupportedAlgorithm = keyof typeof TABLE;

/**
 * Every algorithm the signature primitives implement. `none` and `HS*` are absent on purpose
 * (RFC 8725 §3.2).
 */
export const SUPPORTED_ALGORITHMS: readonly SupportedAlgorithm[] = Object.freeze(
  Object.keys(TABLE) as SupportedAlgorithm[],
);

// A Map, not the object: an `alg` such as "constructor" or "__proto__" must find nothing.
const FACTS: ReadonlyMap<string, AlgorithmFacts> = new Map(Object.entries(TABLE));

/** The facts of `alg`, or `undefined` for an algorithm tokenward does not implement. */
export function algorithmFacts(alg: string): AlgorithmFacts | undefined {
  return FACTS.get(alg);
}

/**
 * Fully-specified names of a table algorithm (RFC 9864 section 2.2): "Ed25519" is EdDSA on the
 * Ed25519 curve, the only EdDSA implemented here. WebCrypto writes it as the `alg` of every Ed25519
 * key it exports, so a client's key carries it under proofs signed as "EdDSA".
 */
const FULLY_SPECIFIED: ReadonlyMap<string, SupportedAlgorithm> = new Map([['Ed25519', 'EdDSA']]);

/** True when a JWK's own `alg` member names `alg`: the same name, or a fully-specified one for it. */
export function keyAlgNames(keyAlg: string, alg: string): boolean {
  return keyAlg === alg || FULLY_SPECIFIED.get(keyAlg) === alg;
}

/** True when a key of this type and curve can verify `alg`. */
export function shapeServes(kty: string, crv: string | undefined, alg: string): boolean {
  const facts = FACTS.get(alg);
  return facts !== undefined && facts.kty === kty && facts.crv === crv;
}

/**
 * Bytes in one public-key coordinate (`x`, `y`) of a supported curve, or `undefined`: half an
 * ECDSA or EdDSA signature, since each signature half is one coordinate-sized integer (RFC 7518
 * §6.2.1.2, RFC 8037 §2).
 */
export function coordinateBytes(crv: string | undefined): number | undefined {
  for (const facts of FACTS.values()) {
    if (crv !== undefined && facts.crv === crv && facts.signatureLength !== undefined) {
      return facts.signatureLength / 2;
    }
  }
  return undefined;
}

/** "an RSA key", "an EC P-256 key": for messages. */
export function describeShape(kty: string, crv: string | undefined): string {
  // RSA, EC and OKP are all read letter by letter, so each takes "an".
  return crv === undefined ? `an ${kty} key` : `an ${kty} ${crv} key`;
}

/**
 * RSA modulus sizes accepted: 2048 bits is RFC 7518 §3.3's minimum; a larger modulus only makes
 * each verify slower, a cost an attacker's key set could impose.
 */
export const RSA_MODULUS_BITS = LIMITS.rsaModulusBits;

/**
 * Why an RSA public exponent (big-endian octets; RFC 7518 §6.3.1.2 asks for the minimum number)
 * is refused, or `undefined`: it must be odd and within `LIMITS.rsaExponent`. With an even one or
 * one below 3 RSA is no signature at all (with e = 1 the "signature" is the padded message
 * itself, which anyone can write); past 32 bits it only makes each verify slower.
 */
function rsaExponentProblem(exponent: Uint8Array): string | undefined {
  if (exponent.length === 0 || exponent[0] === 0) return 'has an RSA exponent "e" with leading zero octets';
  if (exponent.length > 4) return 'has an RSA exponent "e" longer than 32 bits';
  const value = exponent.reduce((sum, byte) => sum * 256 + byte, 0);
  if (value % 2 === 0 || value < LIMITS.rsaExponent.min || value > LIMITS.rsaExponent.max) {
    return 'has an RSA exponent "e" that is even or below 3, which makes signatures forgeable';
  }
  return undefined;
}

/**
 * Why an RSA public key (`n` and `e` as big-endian octets) is refused, or `undefined`: the one
 * rule for an issuer's key set and a DPoP proof's key, modulus size first, then the exponent.
 */
export function rsaPublicKeyProblem(modulus: Uint8Array, exponent: Uint8Array): string | undefined {
  return rsaModulusProblem(bitLength(modulus)) ?? rsaExponentProblem(exponent);
}

/** Bit length of an unsigned big-endian integer, ignoring leading zero bytes. */
function bitLength(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length && bytes[index] === 0) index += 1;
  if (index === bytes.length) return 0;
  return (bytes.length - index - 1) * 8 + (32 - Math.clz32(bytes[index]!));
}

/** Why an RSA modulus of `bits` is refused, or `undefined` when it is within {@link RSA_MODULUS_BITS}. */
export function rsaModulusProblem(bits: number): string | undefined {
  if (bits >= RSA_MODULUS_BITS.min && bits <= RSA_MODULUS_BITS.max) return undefined;
  const { min, max } = RSA_MODULUS_BITS;
  return `has a ${bits}-bit RSA modulus; ${min} to ${max} bits are accepted (RFC 7518 section 3.3)`;
}
