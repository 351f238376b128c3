import { generateKeyPairSync } from 'node:crypto';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { SUPPORTED_ALGORITHMS } from '../../src/lib/jose/algorithms.js';
import { nodeSignatures } from '../../src/lib/runtime/node/node-crypto.js';
import { webSignatures } from '../../src/lib/runtime/portable/web-crypto.js';
import type { JsonWebKeyLike, SignaturePrimitive } from '../../src/runtime.js';

interface Signed {
  readonly jwk: JsonWebKeyLike;
  /** The signing input `header.payload`, as the token parser hands it over. */
  readonly input: string;
  readonly signature: Uint8Array;
}

/** Keys generated and signatures made by jose, independently of the primitives under test. */
const samples = new Map<string, Signed>();

beforeAll(async () => {
  for (const alg of SUPPORTED_ALGORITHMS) {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const token = await new CompactSign(new TextEncoder().encode(`{"alg":"${alg}"}`))
      .setProtectedHeader({ alg })
      .sign(privateKey);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    samples.set(alg, {
      jwk: await exportJWK(publicKey),
      input: `${header}.${payload}`,
      signature: new Uint8Array(Buffer.from(signature, 'base64url')),
    });
  }
});

function sample(alg: string): Signed {
  const signed = samples.get(alg);
  if (signed === undefined) throw new Error(`no sample for ${alg}`);
  return signed;
}

/** `text` with the low bit of its first character flipped ('e' becomes 'd'). */
function flippedText(text: string): string {
  return String.fromCharCode(text.charCodeAt(0) ^ 0x01) + text.slice(1);
}

function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

const PRIMITIVES: [string, SignaturePrimitive][] = [
  ['node:crypto', nodeSignatures],
  ['WebCrypto', webSignatures],
];

describe.each(PRIMITIVES)('%s signature primitive', (_, primitive) => {
  it.each(SUPPORTED_ALGORITHMS)('verifies a good %s signature and rejects altered ones', async (alg) => {
    const { jwk, input, signature } = sample(alg);
    const key = await primitive.importKey(jwk, alg);
    expect(await primitive.verify(alg, key, input, signature)).toBe(true);
    expect(await primitive.verify(alg, key, input, flipped(signature, 5))).toBe(false);
    expect(await primitive.verify(alg, key, flippedText(input), signature)).toBe(false);
    expect(await primitive.verify(alg, key, input, new Uint8Array(0))).toBe(false);
  });

  it('verifies each algorithm only with the key imported for it (BCP-1)', async () => {
    const { jwk, input, signature } = sample('RS256');
    const key = await primitive.importKey(jwk, 'RS256');
    expect(await primitive.verify('PS256', key, input, signature)).toBe(false);
    expect(await primitive.verify('RS256', { not: 'a key' }, input, signature)).toBe(false);
  });

  it.each(['ES256', 'ES384', 'ES512'])(
    'rejects %s signatures of the wrong length or in DER (JOSE-13)',
    async (alg) => {
      const { jwk, input, signature } = sample(alg);
      const key = await primitive.importKey(jwk, alg);
      expect(await primitive.verify(alg, key, input, signature.subarray(1))).toBe(false);
      const half = signature.length / 2;
      const der = derSignature(signature.subarray(0, half), signature.subarray(half));
      expect(await primitive.verify(alg, key, input, der)).toBe(false);
    },
  );

  it.each([
    ['an RSA key for ES256', 'RS256', 'ES256'],
    ['a P-256 key for ES384', 'ES256', 'ES384'],
    ['an Ed25519 key for RS256', 'EdDSA', 'RS256'],
  ])('refuses to import %s', async (_, keyAlg, alg) => {
    await expect(primitive.importKey(sample(keyAlg).jwk, alg)).rejects.toThrow();
  });

  it('refuses to import an RSA key under 2048 bits (RFC 7518 §3.3)', async () => {
    const jwk = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    await expect(primitive.importKey(jwk, 'RS256')).rejects.toThrow(/1024-bit RSA modulus/);
  });

  it.each(['HS256', 'none', 'constructor'])('refuses to import a key for %s', async (alg) => {
    await expect(primitive.importKey(sample('RS256').jwk, alg)).rejects.toThrow(/unsupported algorithm/);
  });
});

describe('node:crypto primitive', () => {
  it('answers synchronously, without a promise', async () => {
    const { jwk, input, signature } = sample('RS256');
    const key = await nodeSignatures.importKey(jwk, 'RS256');
    expect(nodeSignatures.verify('RS256', key, input, signature)).toBe(true);
  });
});

/** ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }`, the encoding JWS does not use. */
function derSignature(r: Uint8Array, s: Uint8Array): Uint8Array {
  const integer = (value: Uint8Array) => {
    const body = (value[0] ?? 0) & 0x80 ? [0, ...value] : [...value];
    return [0x02, body.length, ...body];
  };
  const content = [...integer(r), ...integer(s)];
  const length = content.length < 128 ? [content.length] : [0x81, content.length];
  return new Uint8Array([0x30, ...length, ...content]);
}
