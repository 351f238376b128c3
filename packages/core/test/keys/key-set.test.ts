import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseKeySet } from '../../src/lib/keys/key-set.js';

const rsa = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }),
  kid: 'r',
};
const p256 = {
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }),
  kid: 'e',
};
const ed = { ...generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }), kid: 'o' };
const ALL = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];

function select(key: object, algorithms: readonly string[] = ALL) {
  const parsed = parseKeySet({ keys: [key] }, algorithms, 100);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.selection;
}

function skipReason(key: object, algorithms?: readonly string[]): string | undefined {
  const { usable, skipped } = select(key, algorithms);
  expect(usable).toHaveLength(0);
  return skipped[0]?.reason;
}

describe('key selection (JOSE-11, JOSE-12, MD-6, §4.13 key requirements)', () => {
  it('keeps RSA, EC and OKP public keys, reduced to their public members', () => {
    const [rsaKey] = select({ ...rsa, use: 'sig', key_ops: ['verify'], x5c: ['MIIB'] }).usable;
    expect(rsaKey?.jwk).toEqual({ kty: 'RSA', n: rsa.n, e: rsa.e });
    expect(rsaKey?.algorithms).toEqual(['RS256', 'PS256']);
    expect(select(p256).usable[0]?.algorithms).toEqual(['ES256']);
    expect(select(ed).usable[0]?.jwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: ed.x });
  });

  it('binds a key that declares alg to that algorithm alone (BCP-1)', () => {
    expect(select({ ...rsa, alg: 'PS256' }).usable[0]?.algorithms).toEqual(['PS256']);
  });

  it.each([
    ['use "enc"', { ...rsa, use: 'enc' }, 'has "use" "enc", not "sig"'],
    [
      'key_ops without verify',
      { ...rsa, key_ops: ['encrypt'] },
      'has "key_ops" ["encrypt"], without "verify"',
    ],
    ['key_ops that is not an array', { ...rsa, key_ops: 'verify' }, 'has "key_ops" that is not an array'],
    ['a symmetric key', { kty: 'oct', kid: 's', k: 'c2VjcmV0' }, 'is a symmetric ("oct") key'],
    ['private RSA members', { ...rsa, d: 'AQAB' }, 'contains private key members'],
    ['private EC members', { ...p256, d: 'AQAB' }, 'contains private key members'],
    ['an unknown kty', { ...rsa, kty: 'AKP' }, 'has unsupported "kty" "AKP"'],
    ['an alg outside the allow-list', { ...rsa, alg: 'RS512' }, 'which is not in the allowed algorithms'],
    ['an alg its type cannot serve', { ...rsa, alg: 'ES256' }, 'which its key type cannot serve'],
    ['a non-string kid', { ...rsa, kid: 7 }, '"kid" is not a string'],
    [
      'a curve that no allowed algorithm uses',
      { ...p256, crv: 'P-521' },
      'serves none of the allowed algorithms',
    ],
    ['a secp256k1 curve', { ...p256, crv: 'secp256k1' }, 'serves none of the allowed algorithms'],
    ['an X25519 key', { ...ed, crv: 'X25519' }, 'serves none of the allowed algorithms'],
    ['a short EC coordinate', { ...p256, x: p256.x?.slice(0, 40) }, 'missing or malformed "x" for P-256'],
    ['a missing EC y', { ...p256, y: undefined }, 'missing or malformed "y" for P-256'],
    ['a padded modulus encoding', { ...rsa, n: `${rsa.n}=` }, 'missing or malformed "n" or "e"'],
    ['no exponent', { ...rsa, e: undefined }, 'missing or malformed "n" or "e"'],
  ])('skips a key with %s', (_, key, reason) => {
    expect(skipReason(key)).toContain(reason);
  });

  it.each([
    [1024, 'has a 1024-bit RSA modulus; 2048 to 8192 bits are accepted'],
    [2040, 'has a 2040-bit RSA modulus'],
  ])('skips an RSA key of %i bits (RFC 7518 §3.3)', (bits, reason) => {
    const small = generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' });
    expect(skipReason(small)).toContain(reason);
  });

  it('skips an RSA modulus above 8192 bits without generating one', () => {
    // 8200 bits: 1025 bytes with the top bit of the first byte set.
    const bytes = new Uint8Array(1025).fill(0xff);
    expect(skipReason({ kty: 'RSA', n: Buffer.from(bytes).toString('base64url'), e: 'AQAB' })).toContain(
      'has a 8200-bit RSA modulus',
    );
  });

  it('skips keys that serve none of the allowed algorithms, naming them', () => {
    expect(skipReason(p256, ['RS256'])).toBe(
      'is EC P-256, which serves none of the allowed algorithms (RS256)',
    );
  });

  it('skips entries that are not objects', () => {
    const parsed = parseKeySet({ keys: ['x', null, [rsa]] }, ALL, 100);
    expect(parsed.ok && parsed.selection.skipped.map((key) => key.reason)).toEqual([
      'is not a JSON object',
      'is not a JSON object',
      'is not a JSON object',
    ]);
  });

  it('refuses a document without a keys array or with too many keys', () => {
    expect(parseKeySet({ keys: {} }, ALL, 100)).toEqual({ ok: false, problem: 'has no "keys" array' });
    expect(parseKeySet({ keys: [rsa, rsa, rsa] }, ALL, 2)).toEqual({
      ok: false,
      problem: 'holds 3 keys; at most 2 are accepted',
    });
  });

  it('gives equal keys equal fingerprints and different keys different ones', () => {
    const again = select({ ...rsa, x5t: 'ignored' }).usable[0]?.fingerprint;
    expect(again).toBe(select(rsa).usable[0]?.fingerprint);
    expect(select({ ...rsa, kid: 'other' }).usable[0]?.fingerprint).not.toBe(again);
  });
});
