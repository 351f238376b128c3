/**
 * The signature algorithms tokenward verifies and the one key shape each needs (RFC 7518 §3,
 * RFC 8037 §3.1). A key is only ever used with an algorithm its shape serves (BCP-1), so an
 * RSA key can never be fed to ECDSA, nor a P-256 key to ES384.
 */

/** Every algorithm the signature primitives implement. `none` and `HS*` are absent on purpose (BCP-3, DESIGN rule 5). */
export const SUPPORTED_ALGORITHMS = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const);

export type SupportedAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

export type KeyType = 'RSA' | 'EC' | 'OKP';

export interface KeyShape {
  readonly kty: KeyType;
  /** JWK `crv` for EC and OKP keys. */
  readonly crv: string | undefined;
}

const RSA: KeyShape = { kty: 'RSA', crv: undefined };

const KEY_SHAPES: Readonly<Record<SupportedAlgorithm, KeyShape>> = {
  RS256: RSA,
  RS384: RSA,
  RS512: RSA,
  PS256: RSA,
  PS384: RSA,
  PS512: RSA,
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
  // RFC 8037 §3.1 also allows Ed448 under EdDSA; the primitives implement Ed25519 only.
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
};

function isSupportedAlgorithm(alg: string): alg is SupportedAlgorithm {
  return Object.hasOwn(KEY_SHAPES, alg);
}

/** The key shape `alg` needs, or `undefined` for an algorithm tokenward does not implement. */
function keyShapeFor(alg: string): KeyShape | undefined {
  return isSupportedAlgorithm(alg) ? KEY_SHAPES[alg] : undefined;
}

/** True when a key of this type and curve can verify `alg`. */
export function shapeServes(kty: string, crv: string | undefined, alg: string): boolean {
  const shape = keyShapeFor(alg);
  return shape !== undefined && shape.kty === kty && shape.crv === crv;
}

/** "an RSA key", "an EC P-256 key": for messages. */
export function describeShape(kty: string, crv: string | undefined): string {
  // RSA, EC and OKP are all read letter by letter, so each takes "an".
  return crv === undefined ? `an ${kty} key` : `an ${kty} ${crv} key`;
}

const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 8192;

/**
 * Throws unless an RSA modulus of `bits` is within 2048 (RFC 7518 §3.3's minimum) to 8192 bits
 * (a larger one only makes each verify slower, a cost an attacker's JWKS could impose).
 */
export function checkRsaModulusLength(bits: number): void {
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
    throw new Error(
      `a ${bits}-bit RSA key is outside ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits (RFC 7518 §3.3)`,
    );
  }
}
