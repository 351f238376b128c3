/**
 * The Node signature primitive: a `KeyObject` made once per key and algorithm, and a synchronous
 * check in OpenSSL. Node runs each WebCrypto verify on the threadpool; calling OpenSSL directly is
 * several times faster for the many small verifies a gateway does (DESIGN "Runtime split").
 */
import { Buffer } from 'node:buffer';
import {
  constants,
  createPublicKey,
  createVerify,
  type JsonWebKey,
  type KeyObject,
  verify,
} from 'node:crypto';
import type { JsonWebKeyLike, SignaturePrimitive, VerificationKey } from '../../../runtime.js';
import { type AlgorithmFacts, algorithmFacts, rsaModulusProblem } from '../../jose/algorithms.js';

type VerifyKeyInput =
  | KeyObject
  | { key: KeyObject; padding: number; saltLength: number }
  | { key: KeyObject; dsaEncoding: 'ieee-p1363' };

/** A key bound to the one algorithm it was imported for (RFC 8725 §3.1). */
class NodeVerificationKey {
  constructor(
    readonly alg: string,
    /** OpenSSL digest name; `null` for EdDSA, which hashes internally. */
    readonly digest: string | null,
    readonly signatureLength: number | undefined,
    /** Prepared once, so `verify` allocates nothing of its own. */
    readonly input: VerifyKeyInput,
  ) {}
}

/**
 * Where the signing input is copied for OpenSSL: `verify` is synchronous and nothing keeps the
 * bytes, so one buffer serves every call and no token allocates its own. It grows to the longest
 * signing input seen (at most the largest `maxTokenSize`).
 */
let signingInputBytes = Buffer.allocUnsafeSlow(4096);

export const nodeSignatures: SignaturePrimitive = {
  synchronous: true,

  async importKey(jwk: JsonWebKeyLike, alg: string): Promise<VerificationKey> {
    const facts = algorithmFacts(alg);
    if (facts === undefined) throw new Error(`unsupported algorithm ${alg}`);
    const key = providerNativeKey(createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }));
    checkKeyFits(key, alg, facts);
    // EdDSA names no digest: Ed25519 hashes inside the signature scheme (RFC 8032 §5.1.6).
    const digest = facts.scheme === 'EdDSA' ? null : facts.hash.replace('-', '').toLowerCase();
    return new NodeVerificationKey(alg, digest, facts.signatureLength, verifyInput(key, facts));
  },

  verify(alg, key, signingInput, signature): boolean {
    if (!(key instanceof NodeVerificationKey) || key.alg !== alg) return false;
    // A wrong-length ECDSA or EdDSA signature is invalid; saying so here keeps malformed input away from OpenSSL.
    if (key.signatureLength !== undefined && signature.byteLength !== key.signatureLength) return false;
    try {
      // The signing input is ASCII (checked by the parser), so latin1 is its byte encoding and the cheapest.
      if (signingInput.length > signingInputBytes.length) {
        signingInputBytes = Buffer.allocUnsafeSlow(signingInput.length);
      }
      const length = signingInputBytes.write(signingInput, 0, 'latin1');
      const bytes = signingInputBytes.subarray(0, length);
      // Ed25519 hashes inside the scheme, so only the one-shot call takes it. For the rest a `Verify`
      // (hash, then check the digest) is faster on Node 20 than the one-shot `crypto.verify`: per
      // token about 0.5 µs less of an RS256 check's 21 µs and 1 µs less of an ES256 check's 57 µs.
      if (key.digest === null) return verify(null, bytes, key.input, signature);
      return createVerify(key.digest).update(bytes).verify(key.input, signature);
    } catch {
      return false;
    }
  },
};

/**
 * The same public key, decoded again from its SPKI encoding. Node builds a key imported from a
 * JWK through OpenSSL's legacy key interface, and every `verify` with such a key costs more than
 * with one OpenSSL decoded itself (about 0.3 µs of a 21 µs RS256 verify, 0.4 µs of ES256's, on
 * Node 20). A key is imported once and then verifies every token it signed, so the second import pays.
 */
function providerNativeKey(imported: KeyObject): KeyObject {
  const spki = imported.export({ type: 'spki', format: 'der' });
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}

/** The key must be public and of the table's type and curve, read back as a JWK. */
function checkKeyFits(key: KeyObject, alg: string, facts: AlgorithmFacts): void {
  if (key.type !== 'public') throw new Error(`a ${key.type} key cannot verify ${alg}`);
  const { kty, crv } = key.export({ format: 'jwk' });
  if (kty !== facts.kty || crv !== facts.crv) {
    throw new Error(`a ${[kty, crv].filter(Boolean).join(' ')} key cannot verify ${alg}`);
  }
  if (facts.kty === 'RSA') {
    const problem = rsaModulusProblem(key.asymmetricKeyDetails?.modulusLength ?? 0);
    if (problem !== undefined) throw new Error(`the key ${problem}`);
  }
}

function verifyInput(key: KeyObject, facts: AlgorithmFacts): VerifyKeyInput {
  if (facts.scheme === 'RSASSA-PSS') {
    return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: facts.pssSaltLength! };
  }
  // JWS carries ECDSA signatures as fixed-length R ‖ S, not DER (RFC 7518 §3.4).
  if (facts.scheme === 'ECDSA') return { key, dsaEncoding: 'ieee-p1363' };
  return key;
}
