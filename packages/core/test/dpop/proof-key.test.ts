/** RFC 7638 thumbprints and the public-key check of the proof header (RFC 9449 §4.3 check 7). */
import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { readProofKey } from '../../src/lib/dpop/proof-key.js';
import { decodeBase64url, encodeBase64url } from '../../src/lib/jose/base64url.js';
import { nodeDigests } from '../../src/lib/runtime/node/node-digests.js';
import { webDigests } from '../../src/lib/runtime/portable/web-digests.js';

// RFC 7638 §3.1's example key and its thumbprint.
const RFC_7638_KEY = {
  kty: 'RSA',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
};

describe('readProofKey', () => {
  it('gives the RFC 7638 §3.1 thumbprint for its example key, with either digest primitive', async () => {
    const key = readProofKey(RFC_7638_KEY, 'RS256');
    expect(key.jwk).toEqual({ e: 'AQAB', kty: 'RSA', n: RFC_7638_KEY.n });
    for (const digests of [nodeDigests, webDigests]) {
      expect(encodeBase64url(await digests.sha256(key.thumbprintInput))).toBe(
        'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
      );
    }
  });

  it('agrees with jose on EC and OKP keys', async () => {
    for (const alg of ['ES256', 'ES384', 'EdDSA']) {
      const { publicKey } = await generateKeyPair(alg);
      const jwk = await exportJWK(publicKey);
      const key = readProofKey({ ...jwk, use: 'sig' }, alg);
      expect(encodeBase64url(await nodeDigests.sha256(key.thumbprintInput))).toBe(
        await calculateJwkThumbprint(jwk),
      );
    }
  });

  it('refuses private members, keys of the wrong shape, and missing members (DP-1, RFC 9449 §4.3 check 7)', () => {
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) {
      expect(() => readProofKey({ ...RFC_7638_KEY, [member]: 'x' }, 'RS256')).toThrow(
        `private key material (${member})`,
      );
    }
    expect(() => readProofKey({ kty: 'oct', k: 'c2VjcmV0' }, 'HS256')).toThrow('private key material (k)');
    expect(() => readProofKey({ ...RFC_7638_KEY, alg: undefined }, 'ES256')).toThrow(
      'is an RSA key, which cannot sign ES256',
    );
    expect(() => readProofKey({ kty: 'RSA', n: RFC_7638_KEY.n }, 'RS256')).toThrow('needs the member "e"');
    expect(() => readProofKey('jwk', 'RS256')).toThrow('"jwk" object');
    expect(() => readProofKey({ kty: 7 }, 'RS256')).toThrow('string "kty"');
  });

  it('refuses an RSA key outside 2048 to 8192 bits, naming its size, as a key set does (JOSE-13, RFC 7518 §3.3)', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    expect(() => readProofKey(small, 'RS256')).toThrow(
      'DPoP proof header "jwk" has a 1024-bit RSA modulus; 2048 to 8192 bits are accepted (RFC 7518 section 3.3)',
    );
    // A leading zero octet does not make a 2048-bit modulus longer.
    const padded = encodeBase64url(new Uint8Array([0, ...decodeBase64url(RFC_7638_KEY.n)!]));
    expect(readProofKey({ ...RFC_7638_KEY, n: padded }, 'RS256').jwk).toMatchObject({ n: padded });
    expect(() => readProofKey({ ...RFC_7638_KEY, n: 'A' }, 'RS256')).toThrow(
      'has a malformed RSA "n" or "e"',
    );
  });

  it('refuses a key whose own alg is not the proof alg, naming both (JOSE-11, RFC 7517 §4.4)', async () => {
    expect(() => readProofKey(RFC_7638_KEY, 'PS256')).toThrow(
      'DPoP proof header "jwk" has "alg" "RS256", so it may not verify "PS256" (RFC 7517 section 4.4)',
    );
    expect(() => readProofKey({ ...RFC_7638_KEY, alg: ['RS256'] }, 'RS256')).toThrow(
      'DPoP proof header "jwk" has "alg" that is not a string, so it may not verify "RS256"',
    );
    const { publicKey } = await generateKeyPair('EdDSA');
    const ed25519 = await exportJWK(publicKey);
    expect(() => readProofKey({ ...ed25519, alg: 'Ed448' }, 'EdDSA')).toThrow(
      'has "alg" "Ed448", so it may not verify "EdDSA"',
    );
    // RFC 9864 section 2.2: "Ed25519", as WebCrypto exports it, is the fully-specified EdDSA on Ed25519.
    expect(readProofKey({ ...ed25519, alg: 'Ed25519' }, 'EdDSA').jwk).toEqual({ ...ed25519 });
  });

  it('refuses a key whose use or key_ops keep it from verifying signatures (JOSE-11, RFC 7517 §4.2, §4.3)', () => {
    for (const [members, found] of [
      [{ use: 'enc' }, 'has "use" "enc", not "sig" (RFC 7517 section 4.2)'],
      [{ use: 7 }, 'has "use" that is not a string, not "sig"'],
      [{ key_ops: ['encrypt', 'wrapKey'] }, 'has "key_ops" ["encrypt", "wrapKey"], without "verify"'],
      [{ key_ops: ['sign'] }, 'has "key_ops" ["sign"], without "verify" (RFC 7517 section 4.3)'],
      [{ key_ops: { verify: true } }, 'has "key_ops" that is not an array'],
    ] as const) {
      expect(() => readProofKey({ ...RFC_7638_KEY, ...members }, 'RS256')).toThrow(
        `DPoP proof header "jwk" ${found}`,
      );
    }
    for (const members of [
      { use: 'sig' },
      { key_ops: ['verify'] },
      { use: 'sig', key_ops: ['sign', 'verify'] },
    ]) {
      expect(readProofKey({ ...RFC_7638_KEY, ...members }, 'RS256').jwk).toEqual({
        e: 'AQAB',
        kty: 'RSA',
        n: RFC_7638_KEY.n,
      });
    }
  });
});
