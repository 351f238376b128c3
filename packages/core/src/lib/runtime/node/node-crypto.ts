/**
 * The Node signature primitive: a `KeyObject` made once per key and algorithm, and a synchronous
 * `crypto.verify`. Node runs each WebCrypto verify on the threadpool; calling OpenSSL directly is
 * several times faster for the many small verifies a gateway does (DESIGN "Runtime split").
 */
import { Buffer } from 'node:buffer';
import { constants, createPublicKey, type JsonWebKey, type KeyObject, verify } from 'node:crypto';
import type { JsonWebKeyLike, SignaturePrimitive, VerificationKey } from '../../../runtime.js';
import { checkRsaModulusLength } from '../../jose/algorithms.js';

interface AlgorithmParameters {
  /** Digest name for `crypto.verify`; `null` for EdDSA, which hashes internally. */
  readonly digest: string | null;
  /** `asymmetricKeyType` the key must have. */
  readonly keyType: 'rsa' | 'ec' | 'ed25519';
  /** OpenSSL curve name for EC keys. */
  readonly curve?: string;
  /** Exact signature length for ECDSA (RFC 7518 §3.4: R ‖ S) and EdDSA (RFC 8032 §5.1.6). */
  readonly signatureLength?: number;
  /** RSASSA-PSS salt length: the hash length (RFC 7518 §3.5). */
  readonly pssSaltLength?: number;
}

// A Map, not an object: an `alg` such as "constructor" must find nothing.
const PARAMETERS: ReadonlyMap<string, AlgorithmParameters> = new Map(
  Object.entries({
    RS256: { digest: 'sha256', keyType: 'rsa' },
    RS384: { digest: 'sha384', keyType: 'rsa' },
    RS512: { digest: 'sha512', keyType: 'rsa' },
    PS256: { digest: 'sha256', keyType: 'rsa', pssSaltLength: 32 },
    PS384: { digest: 'sha384', keyType: 'rsa', pssSaltLength: 48 },
    PS512: { digest: 'sha512', keyType: 'rsa', pssSaltLength: 64 },
    ES256: { digest: 'sha256', keyType: 'ec', curve: 'prime256v1', signatureLength: 64 },
    ES384: { digest: 'sha384', keyType: 'ec', curve: 'secp384r1', signatureLength: 96 },
    ES512: { digest: 'sha512', keyType: 'ec', curve: 'secp521r1', signatureLength: 132 },
    EdDSA: { digest: null, keyType: 'ed25519', signatureLength: 64 },
  }),
);

type VerifyKeyInput =
  | KeyObject
  | { key: KeyObject; padding: number; saltLength: number }
  | { key: KeyObject; dsaEncoding: 'ieee-p1363' };

/** A key bound to the one algorithm it was imported for (RFC 8725 §3.1). */
class NodeVerificationKey {
  constructor(
    readonly alg: string,
    readonly parameters: AlgorithmParameters,
    /** Prepared once, so `verify` allocates nothing of its own. */
    readonly input: VerifyKeyInput,
  ) {}
}

export const nodeSignatures: SignaturePrimitive = {
  async importKey(jwk: JsonWebKeyLike, alg: string): Promise<VerificationKey> {
    const parameters = PARAMETERS.get(alg);
    if (parameters === undefined) throw new Error(`unsupported algorithm ${alg}`);
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    checkKeyFits(key, alg, parameters);
    return new NodeVerificationKey(alg, parameters, verifyInput(key, parameters));
  },

  verify(alg, key, signingInput, signature): boolean {
    if (!(key instanceof NodeVerificationKey) || key.alg !== alg) return false;
    const { parameters } = key;
    // A wrong-length ECDSA or EdDSA signature is invalid; saying so here keeps malformed input away from OpenSSL.
    if (parameters.signatureLength !== undefined && signature.byteLength !== parameters.signatureLength)
      return false;
    try {
      // The signing input is ASCII (checked by the parser), so latin1 is its byte encoding and the cheapest.
      return verify(parameters.digest, Buffer.from(signingInput, 'latin1'), key.input, signature);
    } catch {
      return false;
    }
  },
};

function checkKeyFits(key: KeyObject, alg: string, parameters: AlgorithmParameters): void {
  if (key.type !== 'public' || key.asymmetricKeyType !== parameters.keyType) {
    throw new Error(`a ${key.asymmetricKeyType ?? key.type} key cannot verify ${alg}`);
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (parameters.keyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    checkRsaModulusLength(bits);
  }
  if (parameters.curve !== undefined && details.namedCurve !== parameters.curve) {
    throw new Error(`a key on curve ${details.namedCurve} cannot verify ${alg}`);
  }
}

function verifyInput(key: KeyObject, parameters: AlgorithmParameters): VerifyKeyInput {
  if (parameters.pssSaltLength !== undefined) {
    return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: parameters.pssSaltLength };
  }
  // JWS carries ECDSA signatures as fixed-length R ‖ S, not DER (RFC 7518 §3.4).
  if (parameters.keyType === 'ec') return { key, dsaEncoding: 'ieee-p1363' };
  return key;
}
