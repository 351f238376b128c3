/**
 * The web-standard signature primitive: keys imported by jose's `importJWK` (which maps each JWS
 * algorithm to its WebCrypto import parameters), signatures checked with `crypto.subtle.verify`
 * directly. jose's `flattenedVerify` would re-encode the signing input from base64url and parse
 * the header again, work the token parser has already done; one subtle call is all that is left.
 * No `node:` imports: this is what browsers and edge runtimes run.
 */
import { importJWK, type JWK } from 'jose';
import type { JsonWebKeyLike, SignaturePrimitive, VerificationKey } from '../../../runtime.js';
import { checkRsaModulusLength } from '../../jose/algorithms.js';

// Named through `crypto.subtle` so that this file compiles with DOM types (browsers) and with
// Node's types (the package build) alike.
type VerifyParameters = Parameters<typeof crypto.subtle.verify>[0];
type WebCryptoKey = Parameters<typeof crypto.subtle.verify>[1];

interface AlgorithmParameters {
  readonly verify: VerifyParameters;
  /** Exact signature length for ECDSA (RFC 7518 §3.4: R ‖ S) and EdDSA (RFC 8032 §5.1.6). */
  readonly signatureLength?: number;
  readonly rsa?: true;
}

const PKCS1: AlgorithmParameters = { verify: { name: 'RSASSA-PKCS1-v1_5' }, rsa: true };

// A Map, not an object: an `alg` such as "constructor" must find nothing.
const PARAMETERS: ReadonlyMap<string, AlgorithmParameters> = new Map(
  Object.entries({
    RS256: PKCS1,
    RS384: PKCS1,
    RS512: PKCS1,
    // RFC 7518 §3.5: the salt is as long as the hash.
    PS256: { verify: { name: 'RSA-PSS', saltLength: 32 }, rsa: true },
    PS384: { verify: { name: 'RSA-PSS', saltLength: 48 }, rsa: true },
    PS512: { verify: { name: 'RSA-PSS', saltLength: 64 }, rsa: true },
    ES256: { verify: { name: 'ECDSA', hash: 'SHA-256' }, signatureLength: 64 },
    ES384: { verify: { name: 'ECDSA', hash: 'SHA-384' }, signatureLength: 96 },
    ES512: { verify: { name: 'ECDSA', hash: 'SHA-512' }, signatureLength: 132 },
    EdDSA: { verify: { name: 'Ed25519' }, signatureLength: 64 },
  }),
);

const ascii = new TextEncoder();

/** A key bound to the one algorithm it was imported for (RFC 8725 §3.1). */
class WebVerificationKey {
  constructor(
    readonly alg: string,
    readonly parameters: AlgorithmParameters,
    readonly key: WebCryptoKey,
  ) {}
}

export const webSignatures: SignaturePrimitive = {
  async importKey(jwk: JsonWebKeyLike, alg: string): Promise<VerificationKey> {
    const parameters = PARAMETERS.get(alg);
    if (parameters === undefined) throw new Error(`unsupported algorithm ${alg}`);
    // jose checks that the key type fits `alg` and sets the hash and curve the import needs.
    const key = await importJWK(jwk as JWK, alg);
    if (key instanceof Uint8Array || key.type !== 'public') throw new Error(`not a public key for ${alg}`);
    if (parameters.rsa) {
      const bits = (key.algorithm as { readonly modulusLength?: number }).modulusLength ?? 0;
      checkRsaModulusLength(bits);
    }
    return new WebVerificationKey(alg, parameters, key);
  },

  async verify(alg, key, signingInput, signature): Promise<boolean> {
    if (!(key instanceof WebVerificationKey) || key.alg !== alg) return false;
    const { parameters } = key;
    if (parameters.signatureLength !== undefined && signature.byteLength !== parameters.signatureLength)
      return false;
    try {
      return await crypto.subtle.verify(
        parameters.verify,
        key.key,
        signature as Uint8Array<ArrayBuffer>,
        ascii.encode(signingInput),
      );
    } catch {
      return false;
    }
  },
};
