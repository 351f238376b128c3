/**
 * DPoP proofs at the resource server (RFC 9449 §4.3, §7), through `verify(token, { dpop })` with
 * tokens from the reference issuer and proofs signed by jose as a client signs them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DpopRequest } from '../../src/node.js';
import {
  athOf,
  type ClientKey,
  clientKey,
  type DpopSetup,
  HTU,
  manualClock,
  ORIGIN,
  proofFor,
  refusalOf,
  startDpopSetup,
  URL_PATH,
} from './support.js';

const clock = manualClock();
let setup: DpopSetup;
let key: ClientKey;
let otherKey: ClientKey;

beforeAll(async () => {
  setup = await startDpopSetup(clock);
  [key, otherKey] = await Promise.all([clientKey(), clientKey()]);
});

afterAll(async () => {
  await setup?.issuer.close();
});

const request = (proof: DpopRequest['proof'], extra: Partial<DpopRequest> = {}): DpopRequest => ({
  proof,
  method: 'GET',
  url: URL_PATH,
  ...extra,
});

describe('a valid proof (RFC 9449 §4.3, §7.1)', () => {
  it('is accepted with its DPoP-bound token, and the result names the key thumbprint (DP-2, DP-3, DP-4)', async () => {
    const verifier = setup.verifier({ mode: 'required', origins: [ORIGIN] });
    const token = await setup.bound(key);
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    const result = await verifier.verify(token, { scopes: ['orders:read'], dpop: request(proof) });
    expect(result.subject).toBe('alice');
    expect(result.dpop).toEqual({ thumbprint: key.thumbprint });
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.dpop)).toBe(true);
  });

  it('is accepted from EdDSA, RS256 and PS256 keys as well (DP-1)', async () => {
    const verifier = setup.verifier({ mode: 'allowed', origins: [ORIGIN] });
    for (const alg of ['EdDSA', 'RS256', 'PS256']) {
      const other = await clientKey(alg);
      const token = await setup.bound(other);
      const proof = await proofFor(other, clock.seconds(), { accessToken: token });
      expect((await verifier.verify(token, { dpop: request(proof) })).dpop?.thumbprint).toBe(
        other.thumbprint,
      );
    }
  });

  it('ignores the query of the request and compares htu after RFC 3986 normalisation (RFC 9449 §4.3 check 9)', async () => {
    const verifier = setup.verifier({ mode: 'required', origins: [ORIGIN] });
    const token = await setup.bound(key);
    const proof = await proofFor(key, clock.seconds(), {
      accessToken: token,
      htu: 'HTTPS://API.Example.COM:443/orders/%7ealice/%2f',
    });
    const result = await verifier.verify(token, {
      dpop: request(proof, { url: '/orders/~alice/%2F?page=2&sort=asc' }),
    });
    expect(result.dpop?.thumbprint).toBe(key.thumbprint);
  });

  it('accepts any of several configured origins, and an absolute request target by its path only', async () => {
    const verifier = setup.verifier({ mode: 'required', origins: [ORIGIN, 'https://orders.example.com'] });
    const token = await setup.bound(key);
    const proof = await proofFor(key, clock.seconds(), {
      accessToken: token,
      htu: 'https://orders.example.com/orders',
    });
    const result = await verifier.verify(token, {
      dpop: request(proof, { url: 'http://attacker.example/orders' }),
    });
    expect(result.dpop?.thumbprint).toBe(key.thumbprint);
  });
});

describe('refused proofs (RFC 9449 §4.3)', () => {
  let token: string;
  const verifier = () => setup.verifier({ mode: 'required', origins: [ORIGIN] });

  beforeAll(async () => {
    token = await setup.bound(key);
  });

  const refusal = async (proof: DpopRequest['proof'], extra: Partial<DpopRequest> = {}) =>
    refusalOf(verifier().verify(token, { dpop: request(proof, extra) }));

  it('a replayed proof: ERR_DPOP_REPLAYED, invalid_dpop_proof (DP-7, RFC 9449 §11.1)', async () => {
    const once = verifier();
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    await once.verify(token, { dpop: request(proof) });
    const failure = await refusalOf(once.verify(token, { dpop: request(proof) }));
    expect(failure.code).toBe('ERR_DPOP_REPLAYED');
    expect(failure.status).toBe(401);
    expect(failure.headers['WWW-Authenticate']).toMatch(
      /^DPoP realm="api", algs="ES256 [^"]*", error="invalid_dpop_proof"/,
    );
  });

  it('no DPoP header, or two of them (RFC 9449 §4.3 check 1)', async () => {
    expect((await refusal(undefined)).message).toContain('exactly one DPoP header; found 0');
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    const failure = await refusal([proof, proof]);
    expect(failure.code).toBe('ERR_DPOP_PROOF_INVALID');
    expect(failure.message).toContain('found 2');
  });

  it('not a JWT (RFC 9449 §4.3 check 2)', async () => {
    const failure = await refusal('not-a-jwt');
    expect(failure.code).toBe('ERR_DPOP_PROOF_INVALID');
    expect(failure.message).toContain('DPoP proof is refused: expected a JWT of 3 dot-separated segments');
  });

  it('typ is a media type: dpop+jwt in any case, with or without application/ (RFC 7515 §4.1.9)', async () => {
    for (const typ of ['dpop+jwt', 'DPoP+JWT', 'application/dpop+jwt', 'Application/DPOP+jwt']) {
      const proof = await proofFor(key, clock.seconds(), { accessToken: token, header: { typ } });
      expect((await verifier().verify(token, { dpop: request(proof) })).dpop?.thumbprint).toBe(
        key.thumbprint,
      );
    }
  });

  it('a wrong or missing typ (RFC 9449 §4.3 check 4)', async () => {
    for (const typ of ['JWT', 'at+jwt', 'text/dpop+jwt', 'application/dpop+jwt ', undefined]) {
      const proof = await proofFor(key, clock.seconds(), { accessToken: token, header: { typ } });
      const failure = await refusal(proof);
      expect(failure.code).toBe('ERR_DPOP_PROOF_INVALID');
      expect(failure.message).toContain('"typ" must be "dpop+jwt"');
    }
  });

  it('an HS256 proof and an unsigned (none) proof (RFC 9449 §4.3 check 5, DP-1)', async () => {
    const hs = await new (await import('jose')).SignJWT({
      jti: 'x',
      htm: 'GET',
      htu: HTU,
      iat: clock.seconds(),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.publicJwk })
      .sign(new Uint8Array(32));
    expect((await refusal(hs)).message).toContain('expected alg ES256 or ES384');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt', jwk: key.publicJwk })).toString(
      'base64url',
    );
    const body = Buffer.from(
      JSON.stringify({ jti: 'x', htm: 'GET', htu: HTU, iat: clock.seconds() }),
    ).toString('base64url');
    const none = await refusal(`${header}.${body}.`);
    expect(none.code).toBe('ERR_DPOP_PROOF_INVALID');
  });

  it('a private key in the header jwk (RFC 9449 §4.3 check 7)', async () => {
    const { exportJWK } = await import('jose');
    const privateJwk = await exportJWK(key.privateKey);
    const proof = await proofFor(key, clock.seconds(), { accessToken: token, header: { jwk: privateJwk } });
    const failure = await refusal(proof);
    expect(failure.code).toBe('ERR_DPOP_PROOF_INVALID');
    expect(failure.message).toContain('holds private key material (d)');
    expect(failure.message).not.toContain(String(privateJwk.d));
  });

  it('a jwk that does not fit the alg, and no jwk at all', async () => {
    const rsa = await clientKey('RS256');
    const mismatched = await proofFor(key, clock.seconds(), {
      accessToken: token,
      header: { jwk: rsa.publicJwk },
    });
    expect((await refusal(mismatched)).message).toContain('is an RSA key, which cannot sign ES256');
    const none = await proofFor(key, clock.seconds(), { accessToken: token, header: { jwk: undefined } });
    expect((await refusal(none)).message).toContain('"jwk" object');
  });

  it('a proof by an Ed25519 key of small order, which anyone can sign for (RFC 9449 §4.3 check 7, BCP-6)', async () => {
    // The identity point verifies R = identity, S = 0 for every message (RFC 8032 §5.1.7).
    const { calculateJwkThumbprint } = await import('jose');
    const jwk = {
      kty: 'OKP',
      crv: 'Ed25519',
      x: Buffer.from([1, ...new Array(31).fill(0)]).toString('base64url'),
    };
    const weak = { alg: 'EdDSA', publicJwk: jwk, thumbprint: await calculateJwkThumbprint(jwk) };
    const bound = await setup.bound(weak as ClientKey);
    const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { jti: 'forged', htm: 'GET', htu: HTU, iat: clock.seconds(), ath: athOf(bound) };
    const signature = Buffer.from([1, ...new Array(63).fill(0)]).toString('base64url');
    const proof = `${segment({ alg: 'EdDSA', typ: 'dpop+jwt', jwk })}.${segment(claims)}.${signature}`;
    const failure = await refusalOf(
      verifier().verify(bound, { dpop: { proof, method: 'GET', url: URL_PATH } }),
    );
    expect(failure.code).toBe('ERR_DPOP_PROOF_INVALID');
    expect(failure.message).toContain('an Ed25519 point of small order');
  });

  it('a proof by an RSA key with exponent 1, whose signature anyone can write (RFC 8017 §8.2.2, BCP-6)', async () => {
    // With e = 1 the signature is the PKCS #1 v1.5 encoding of the hash itself.
    const { calculateJwkThumbprint } = await import('jose');
    const { createHash, randomBytes } = await import('node:crypto');
    const modulus = randomBytes(256);
    modulus[0]! |= 0x80;
    const jwk = { kty: 'RSA', n: modulus.toString('base64url'), e: 'AQ' };
    const weak = { alg: 'RS256', publicJwk: jwk, thumbprint: await calculateJwkThumbprint(jwk) };
    const bound = await setup.bound(weak as ClientKey);
    const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { jti: 'forged', htm: 'GET', htu: HTU, iat: clock.seconds(), ath: athOf(bound) };
    const input = `${segment({ alg: 'RS256', typ: 'dpop+jwt', jwk })}.${segment(claims)}`;
    const digestInfo = Buffer.concat([
      Buffer.from('3031300d060960864801650304020105000420', 'hex'),
      createHash('sha256').update(input).digest(),
    ]);
    const padding = Buffer.alloc(256 - 3 - digestInfo.length, 0xff);
    const signature = Buffer.concat([Buffer.from([0, 1]), padding, Buffer.from([0]), digestInfo]);
    const failure = await refusalOf(
      verifier().verify(bound, {
        dpop: { proof: `${input}.${signature.toString('base64url')}`, method: 'GET', url: URL_PATH },
      }),
    );
    expect(failure.code).toBe('ERR_DPOP_PROOF_INVALID');
    expect(failure.message).toContain('has an RSA exponent "e" that is even or below 3');
  });

  it('a signature by another key than the header names (RFC 9449 §4.3 check 6)', async () => {
    const proof = await proofFor(key, clock.seconds(), { accessToken: token, signWith: otherKey });
    const failure = await refusal(proof);
    expect(failure.code).toBe('ERR_DPOP_PROOF_INVALID');
    expect(failure.message).toContain('signature does not verify');
  });

  it('missing or oversized claims (RFC 9449 §4.3 check 3)', async () => {
    for (const claims of [{ jti: undefined }, { jti: 'j'.repeat(257) }, { jti: 7 }]) {
      const proof = await proofFor(key, clock.seconds(), { accessToken: token, claims });
      expect((await refusal(proof)).message).toContain('"jti" must be a string of 1 to 256 characters');
    }
    const noHtm = await proofFor(key, clock.seconds(), { accessToken: token, claims: { htm: undefined } });
    expect((await refusal(noHtm)).message).toContain('"htm" and "htu"');
    const noIat = await proofFor(key, clock.seconds(), { accessToken: token, claims: { iat: '1' } });
    expect((await refusal(noIat)).message).toContain('"iat" as a number');
    const noAth = await proofFor(key, clock.seconds());
    expect((await refusal(noAth)).message).toContain('needs "ath"');
  });

  it('a wrong htm (RFC 9449 §4.3 check 8)', async () => {
    const proof = await proofFor(key, clock.seconds(), { accessToken: token, htm: 'POST' });
    const failure = await refusal(proof);
    expect(failure.code).toBe('ERR_DPOP_PROOF_INVALID');
    expect(failure.message).toContain('"htm" is "POST"; this request\'s method is "GET"');
    const lower = await proofFor(key, clock.seconds(), { accessToken: token, htm: 'get' });
    expect((await refusal(lower)).code).toBe('ERR_DPOP_PROOF_INVALID');
  });

  it('a wrong htu: other host, other scheme, other port, other path (RFC 9449 §4.3 check 9)', async () => {
    for (const htu of [
      'https://evil.example.com/orders',
      'http://api.example.com/orders',
      'https://api.example.com:8443/orders',
    ]) {
      const proof = await proofFor(key, clock.seconds(), { accessToken: token, htu });
      expect((await refusal(proof)).message).toContain('"htu" names the origin');
    }
    const otherPath = await proofFor(key, clock.seconds(), { accessToken: token, htu: `${ORIGIN}/admin` });
    expect((await refusal(otherPath)).message).toContain('"htu" names the path "/admin"');
  });

  it('a query or fragment in htu is ignored, not the path before it (RFC 9449 §4.3 check 9)', async () => {
    for (const htu of [`${HTU}?page=2`, `${HTU}#top`, `${HTU}?page=1#top`]) {
      const proof = await proofFor(key, clock.seconds(), { accessToken: token, htu });
      const result = await verifier().verify(token, { dpop: request(proof, { url: '/orders?page=2' }) });
      expect(result.dpop?.thumbprint).toBe(key.thumbprint);
    }
    const otherPath = await proofFor(key, clock.seconds(), {
      accessToken: token,
      htu: `${ORIGIN}/admin?x=/orders`,
    });
    expect((await refusal(otherPath)).message).toContain('"htu" names the path "/admin"');
  });

  it('DP-2: an htu that is not an RFC 3986 absolute URI is refused, not repaired as WHATWG URL would (RFC 9449 §4.3 check 9)', async () => {
    // Each of these parses with `new URL` into https://api.example.com/orders.
    for (const [htu, found] of [
      ['https://api.example.com\\orders', 'U+005C at index 23'],
      ['https:\\\\api.example.com/orders', 'U+005C at index 6'],
      ['https://api.example.com/ord\ters', 'U+0009 at index 27'],
      ['https://api.example.com/ord\ners', 'U+000A at index 27'],
      ['https://api.example.com/orders\r', 'U+000D at index 30'],
      [' https://api.example.com/orders', 'U+0020 at index 0'],
      ['https://api.example.com/orders ', 'U+0020 at index 30'],
      ['\u0000https://api.example.com/orders', 'U+0000 at index 0'],
      ['https://api.example.com/orders\u001f', 'U+001F at index 30'],
      ['https://\uff41pi.example.com/orders', 'U+FF41 at index 8'],
      ['https://api.example.com/orders?id=1 2', 'U+0020 at index 35'],
      ['https://api.example.com/orders%zz', '"%" at index 30'],
    ]) {
      const proof = await proofFor(key, clock.seconds(), { accessToken: token, htu });
      const failure = await refusal(proof);
      expect(failure.code, htu).toBe('ERR_DPOP_PROOF_INVALID');
      expect(failure.message, htu).toContain(`"htu" is not an absolute URI (RFC 3986 section 4.3): ${found}`);
    }
    for (const htu of [
      'https:api.example.com/orders',
      'https:/api.example.com/orders',
      'https:///api.example.com/orders',
    ]) {
      const proof = await proofFor(key, clock.seconds(), { accessToken: token, htu });
      expect((await refusal(proof)).message, htu).toContain('"htu" must be an http(s) URI with a host');
    }
  });

  it('DP-2: an htu host or port is compared as RFC 3986 writes it, never read as WHATWG URL reads it', async () => {
    const verifier = setup.verifier({ mode: 'required', origins: ['http://127.0.0.1:3000', ORIGIN] });
    // WHATWG URL reads these hosts as 127.0.0.1 and the port 0443 as the default one.
    for (const [htu, origin] of [
      ['http://2130706433:3000/orders', 'http://2130706433:3000'],
      ['http://0x7f.1:3000/orders', 'http://0x7f.1:3000'],
      ['https://api.example.com:0443/orders', 'https://api.example.com:0443'],
    ]) {
      const proof = await proofFor(key, clock.seconds(), { accessToken: token, htu });
      const failure = await refusalOf(verifier.verify(token, { dpop: request(proof) }));
      expect(failure.message, htu).toContain(`"htu" names the origin "${origin}"`);
    }
  });

  it('DP-2: htu spellings RFC 3986 §6.2.2 and §6.2.3 equate are accepted (RFC 9449 §4.3 check 9)', async () => {
    for (const htu of [
      'https://api.example.com/x/../orders',
      'https://api.example.com/./orders/.',
      'https://api.example.com/x/%2E%2e/%6Frders',
      'https://api.example.com:/orders',
      'https://%61pi.example.com/orders',
    ]) {
      const proof = await proofFor(key, clock.seconds(), { accessToken: token, htu });
      const url = htu.endsWith('/.') ? '/orders/' : URL_PATH;
      expect((await verifier().verify(token, { dpop: request(proof, { url }) })).dpop?.thumbprint, htu).toBe(
        key.thumbprint,
      );
    }
  });

  it('JOSE-11, DP-2: a jwk whose use or key_ops keep it from verifying signatures (RFC 7517 §4.2, §4.3)', async () => {
    for (const [members, found] of [
      [{ use: 'enc' }, 'has "use" "enc", not "sig"'],
      [{ use: 'sig', key_ops: ['encrypt'] }, 'has "key_ops" ["encrypt"], without "verify"'],
      [{ key_ops: [] }, 'has "key_ops" [], without "verify"'],
      [{ key_ops: 'verify' }, 'has "key_ops" that is not an array'],
    ] as const) {
      const proof = await proofFor(key, clock.seconds(), {
        accessToken: token,
        header: { jwk: { ...key.publicJwk, ...members } },
      });
      const failure = await refusal(proof);
      expect(failure.code).toBe('ERR_DPOP_PROOF_INVALID');
      expect(failure.message).toContain(`header "jwk" ${found}`);
      expect(failure.headers['WWW-Authenticate']).toMatch(/error="invalid_dpop_proof"/);
    }
    const allowed = await proofFor(key, clock.seconds(), {
      accessToken: token,
      header: { jwk: { ...key.publicJwk, use: 'sig', key_ops: ['verify'] } },
    });
    expect((await verifier().verify(token, { dpop: request(allowed) })).dpop?.thumbprint).toBe(
      key.thumbprint,
    );
  });

  it('JOSE-11, DP-2: a jwk whose own alg is not the header alg, naming both and never the proof (RFC 7517 §4.4)', async () => {
    for (const alg of ['ES384', 'RS256']) {
      const proof = await proofFor(key, clock.seconds(), {
        accessToken: token,
        header: { jwk: { ...key.publicJwk, alg } },
      });
      const failure = await refusal(proof);
      expect(failure.code).toBe('ERR_DPOP_PROOF_INVALID');
      expect(failure.status).toBe(401);
      expect(failure.message).toContain(`header "jwk" has "alg" "${alg}", so it may not verify "ES256"`);
      expect(failure.message).not.toContain(proof.split('.')[0]);
      expect(failure.message).not.toContain(token);
      expect(failure.headers['WWW-Authenticate']).toMatch(/error="invalid_dpop_proof"/);
    }
    const same = await proofFor(key, clock.seconds(), {
      accessToken: token,
      header: { jwk: { ...key.publicJwk, alg: 'ES256' } },
    });
    expect((await verifier().verify(token, { dpop: request(same) })).dpop?.thumbprint).toBe(key.thumbprint);
  });

  it('DP-2: the request target is read as RFC 3986 reads it, never repaired as WHATWG URL would (RFC 9449 §4.3 check 9)', async () => {
    // `new URL` reads each of these targets as the path of the proof's htu.
    for (const [url, htuPath, found] of [
      ['/a\\b', '/a/b', 'U+005C at index 2 is not a URI character'],
      ['/or\tders', '/orders', 'U+0009 at index 3 is not a URI character'],
      ['/orders\u001f', '/orders', 'U+001F at index 7 is not a URI character'],
      ['/a\\..\\orders', '/orders', 'U+005C at index 2 is not a URI character'],
      ['https://api.example.com\\orders', '/orders', 'U+005C at index 23 is not a URI character'],
      ['/a%2', '/a', '"%" at index 2 starts no percent-encoding'],
    ]) {
      const proof = await proofFor(key, clock.seconds(), { accessToken: token, htu: `${ORIGIN}${htuPath}` });
      const failure = await refusal(proof, { url });
      expect(failure.code, url).toBe('ERR_DPOP_PROOF_INVALID');
      expect(failure.status, url).toBe(401);
      expect(failure.message, url).toContain(
        `"htu" names the path ${JSON.stringify(htuPath)}; this request's target ${JSON.stringify(url)} is not an RFC 3986 path: ${found}`,
      );
    }
    // "//host/path" is a path whose first segment is empty, not an authority (RFC 9112 §3.2.1).
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    expect((await refusal(proof, { url: '//evil.example/orders' })).message).toContain(
      '"htu" names the path "/orders"; this request is for "//evil.example/orders"',
    );
  });

  it('DP-2: the request target is normalised as htu is, its query and fragment left out (RFC 3986 §6.2.2, RFC 9449 §4.3 check 9)', async () => {
    for (const url of [
      '/x/../orders',
      '/x/%2E%2e/%6Frders',
      '/orders?ids[]=1&filter={a|b}',
      '/orders#top',
      'http://api.example.com/./orders?page=2',
    ]) {
      const proof = await proofFor(key, clock.seconds(), { accessToken: token });
      expect((await verifier().verify(token, { dpop: request(proof, { url }) })).dpop?.thumbprint, url).toBe(
        key.thumbprint,
      );
    }
  });

  it('a spoofed X-Forwarded-Host is ignored unless forwarded headers are trusted (RFC 9449 §4.3 check 9)', async () => {
    const proof = await proofFor(key, clock.seconds(), {
      accessToken: token,
      htu: 'https://evil.example.com/orders',
    });
    const failure = await refusal(proof, {
      headers: {
        host: 'evil.example.com',
        'x-forwarded-host': 'evil.example.com',
        'x-forwarded-proto': 'https',
      },
    });
    expect(failure.message).toContain('"htu" names the origin "https://evil.example.com"');
  });

  it('a stale iat and a future iat (RFC 9449 §4.3 check 11)', async () => {
    const stale = await proofFor(key, clock.seconds(), { accessToken: token, iat: clock.seconds() - 61 });
    expect((await refusal(stale)).message).toContain('was created 61 s ago; at most 60 s');
    const future = await proofFor(key, clock.seconds(), { accessToken: token, iat: clock.seconds() + 6 });
    expect((await refusal(future)).message).toContain('"iat" is 6 s in the future; at most 5 s');
    const edge = await proofFor(key, clock.seconds(), { accessToken: token, iat: clock.now() / 1000 - 60 });
    expect((await verifier().verify(token, { dpop: request(edge) })).dpop).toBeDefined();
  });

  it('a wrong ath: ERR_DPOP_BINDING_MISMATCH, invalid_token (RFC 9449 §4.3 check 12)', async () => {
    const other = await setup.bound(key);
    const proof = await proofFor(key, clock.seconds(), { accessToken: other });
    const failure = await refusal(proof);
    expect(failure.code).toBe('ERR_DPOP_BINDING_MISMATCH');
    expect(failure.message).toContain(
      '"ath" is not the hash of the access token it was sent with; expected base64url(SHA-256(access token))',
    );
    expect(failure.message).not.toContain(token);
    expect(failure.headers['WWW-Authenticate']).toMatch(
      /^DPoP realm="api", algs="[^"]+", error="invalid_token"/,
    );
  });

  it('a proof key other than the token is bound to (cnf.jkt ≠ thumbprint, RFC 9449 §6.1)', async () => {
    const proof = await proofFor(otherKey, clock.seconds(), { accessToken: token });
    const failure = await refusal(proof);
    expect(failure.code).toBe('ERR_DPOP_BINDING_MISMATCH');
    expect(failure.message).toContain(`the access token is bound to "${key.thumbprint}"`);
  });
});

describe('proofs and presentations (RFC 9449 §7.1, §7.2)', () => {
  it('a DPoP-bound token sent as a bearer token is refused in every mode, even without the dpop option (DP-5)', async () => {
    const token = await setup.bound(key);
    for (const dpop of [
      undefined,
      { mode: 'allowed' as const, origins: [ORIGIN] },
      { mode: 'required' as const, origins: [ORIGIN] },
    ]) {
      const failure = await refusalOf(setup.verifier(dpop).verify(token));
      expect(failure.code).toBe('ERR_DPOP_BINDING_MISMATCH');
      expect(failure.status).toBe(401);
    }
    const plain = await refusalOf(setup.verifier(undefined).verify(token));
    expect(plain.message).toContain('DPoP-bound (cnf.jkt) but was sent as a bearer token');
    expect(plain.headers['WWW-Authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
  });

  it('a DPoP proof with an unbound token is refused (DP-4)', async () => {
    const token = await setup.unbound();
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    const failure = await refusalOf(
      setup.verifier({ mode: 'allowed', origins: [ORIGIN] }).verify(token, { dpop: request(proof) }),
    );
    expect(failure.code).toBe('ERR_DPOP_BINDING_MISMATCH');
    expect(failure.message).toContain('not DPoP-bound');
  });

  it('allowed mode takes unbound bearer tokens; required mode refuses them with a DPoP-only challenge', async () => {
    const token = await setup.unbound();
    expect((await setup.verifier({ mode: 'allowed', origins: [ORIGIN] }).verify(token)).subject).toBe(
      'alice',
    );
    const failure = await refusalOf(setup.verifier({ mode: 'required', origins: [ORIGIN] }).verify(token));
    expect(failure.code).toBe('ERR_DPOP_BINDING_MISMATCH');
    expect(failure.headers['WWW-Authenticate']).toMatch(
      /^DPoP realm="api", algs="[^"]+", error="invalid_token"/,
    );
    expect(failure.headers['WWW-Authenticate']).not.toContain('Bearer');
  });

  it('in allowed mode both challenges are sent side by side, the error on the scheme used (RFC 9449 §7.1)', async () => {
    const verifier = setup.verifier({ mode: 'allowed', origins: [ORIGIN], algorithms: ['ES256', 'EdDSA'] });
    const expired = await setup.bound(key, { exp: clock.seconds() - 3600 });
    const proof = await proofFor(key, clock.seconds(), { accessToken: expired });
    const viaDpop = await refusalOf(verifier.verify(expired, { dpop: request(proof) }));
    expect(viaDpop.code).toBe('ERR_TOKEN_EXPIRED');
    expect(viaDpop.headers['WWW-Authenticate']).toMatch(
      /^DPoP realm="api", algs="ES256 EdDSA", error="invalid_token", error_description="[^"]+", Bearer realm="api"$/,
    );
    const unboundExpired = await setup.unbound({ exp: clock.seconds() - 3600 });
    const viaBearer = await refusalOf(verifier.verify(unboundExpired));
    expect(viaBearer.headers['WWW-Authenticate']).toMatch(
      /^Bearer realm="api", error="invalid_token", error_description="[^"]+", DPoP realm="api", algs="ES256 EdDSA"$/,
    );
  });

  it('a proof refused for a missing scope is not burned: it works once the scope is not asked for', async () => {
    const verifier = setup.verifier({ mode: 'required', origins: [ORIGIN] });
    const token = await setup.bound(key);
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    const failure = await refusalOf(
      verifier.verify(token, { scopes: ['orders:write'], dpop: request(proof) }),
    );
    expect(failure.code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(failure.headers['WWW-Authenticate']).toMatch(
      /^DPoP realm="api", algs="[^"]+", error="insufficient_scope"/,
    );
    expect(
      (await verifier.verify(token, { scopes: ['orders:read'], dpop: request(proof) })).dpop,
    ).toBeDefined();
  });

  it('a cnf that is not an object, or a jkt that is not a string, is an invalid claim', async () => {
    const verifier = setup.verifier({ mode: 'allowed', origins: [ORIGIN] });
    for (const cnf of ['jkt', { jkt: 5 }, { jkt: '' }]) {
      const failure = await refusalOf(verifier.verify(await setup.unbound({ cnf })));
      expect(failure.code).toBe('ERR_CLAIM_INVALID');
    }
    // A token bound by another method (mTLS's x5t#S256) is no longer tolerated as a bearer token:
    // the binding cannot be checked here and a stolen token would replay (confirmation.test.ts).
    const mtls = await setup.unbound({ cnf: { 'x5t#S256': 'abc' } });
    expect((await refusalOf(verifier.verify(mtls))).code).toBe('ERR_DPOP_BINDING_MISMATCH');
  });

  it('extra cnf members beside jkt are tolerated (RFC 7800 §3.1)', async () => {
    const verifier = setup.verifier({ mode: 'required', origins: [ORIGIN] });
    const token = await setup.bound(key, { cnf: { jkt: key.thumbprint, kid: 'ignored' } });
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    expect((await verifier.verify(token, { dpop: request(proof) })).dpop?.thumbprint).toBe(key.thumbprint);
  });

  it('verify with dpop on a verifier without the option is a programming error (ERR_CONFIG)', async () => {
    const token = await setup.bound(key);
    const failure = await refusalOf(setup.verifier(undefined).verify(token, { dpop: request('x') }));
    expect(failure.code).toBe('ERR_CONFIG');
  });
});
