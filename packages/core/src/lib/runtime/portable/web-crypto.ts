/**
 * The web-standard signature primitive: keys imported by jose's `importJWK` (which maps each JWS
 * algorithm to its WebCrypto import parameters), signatures checked with `crypto.subtle.verify`
 * directly. jose's `flattenedVerify` would re-encode the signing input from base64url and parse
 * the header again, work the token parser has already done; one subtle call is all that is left.
 * No `node:` imports: this is what browsers and edge runtimes run.
 */
import { importJWK, type JWK } from 'jose';
import type { JsonWebKeyLike, SignaturePrimitive, VerificationKey } from '../../../runtime.js';
import { type AlgorithmFacts, algorithmFacts, rsaModulusProblem } from '../../jose/algorithms.js';

// Named through `crypto.subtle` so that this file compiles with DOM types (browsers) and with
// Node's types (the package build) alike.
type VerifyParameters = Parameters<typeof crypto.subtle.verify>[0];
type WebCryptoKey = Parameters<typeof crypto.subtle.verify>[1];

/** The WebCrypto parameters that say what the table row says. */
function verifyParameters(facts: AlgorithmFacts): VerifyParameters {
  switch (facts.scheme) {
    case 'RSASSA-PKCS1-v1_5':
      return { name: 'RSASSA-PKCS1-v1_5' };
    case 'RSASSA-PSS':
      return { name: 'RSA-PSS', saltLength: facts.pssSaltLength! };
    case 'ECDSA':
      return { name: 'ECDSA', hash: facts.hash };
    case 'EdDSA':
      return { name: facts.crv! };
  }
}

const ascii = new TextEncoder();

/** A key bound to the one algorithm it was imported for (RFC 8725 §3.1). */
class WebVerificationKey {
  constructor(
    readonly alg: string,
    readonly signatureLength: number | undefined,
    readonly parameters: VerifyParameters,
    readonly key: WebCryptoKey,
  ) {}
}

export const webSignatures: SignaturePrimitive = {
  async importKey(jwk: JsonWebKeyLike, alg: string): Promise<VerificationKey> {
    const facts = algorithmFacts(alg);
    if (facts === undefined) throw new Error(`unsupported algorithm ${alg}`);
    // jose checks that the key type fits `alg` and sets the hash and curve the import needs.
    const key = await importJWK(jwk as JWK, alg);
    if (key instanceof Uint8Array || key.type !== 'public') throw new Error(`not a public key for ${alg}`);
    if (facts.kty === 'RSA') {
      const problem = rsaModulusProblem(
        (key.algorithm as { readonly modulusLength?: number }).modulusLength ?? 0,
      );
      if (problem !== undefined) throw new Error(`the key ${problem}`);
    }
    return new WebVerificationKey(alg, facts.signatureLength, verifyParameters(facts), key);
  },

  async verify(alg, key, signingInput, signature): Promise<boolean> {
    if (!(key instanceof WebVerificationKey) || key.alg !== alg) return false;
    if (key.signatureLength !== undefined && signature.byteLength !== key.signatureLength) return false;
    try {
      return await crypto.subtle.verify(
        key.parameters,
        key.key,
        signature as Uint8Array<ArrayBuffer>,
        ascii.encode(signingInput),
      );
    } catch {
      return false;
    }
  },
};
