import { generateKeyPairSync, sign } from 'node:crypto';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, startIssuer } from '../src/index.js';
import { dpopProof, type ProofKey, postWithRawHeaders, proofKey } from './keys-support.js';
import { authorizeSpa, basicAuth, payloadOf, postForm, redeemSpaCode } from './support.js';

const SERVICE_AUTH = { authorization: basicAuth('test-client', 'test-secret') };
const CLIENT_CREDENTIALS = { grant_type: 'client_credentials', scope: 'orders:read' };

describe('DPoP-bound tokens at the token endpoint (RFC 9449 §5)', () => {
  let issuer: ReferenceIssuer;
  let tokenUrl: string;
  let key: ProofKey;

  beforeAll(async () => {
    issuer = await startIssuer({ servers: ['payments'] });
    tokenUrl = issuer.server('default').tokenEndpoint;
    key = await proofKey('ES256');
  });
  afterAll(async () => {
    await issuer.close();
  });

  async function tokenRequest(proof: string, url = tokenUrl) {
    return postForm(url, CLIENT_CREDENTIALS, { ...SERVICE_AUTH, dpop: proof });
  }

  async function expectRefused(proof: string, description: RegExp, url = tokenUrl) {
    const response = await tokenRequest(proof, url);
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json();
    expect(body.error).toBe('invalid_dpop_proof');
    expect(body.error_description).toMatch(description);
  }

  it('binds a client_credentials token to the proof key with cnf.jkt and token_type DPoP (DP-3)', async () => {
    const response = await tokenRequest(await dpopProof(key, tokenUrl));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.token_type).toBe('DPoP');
    const server = issuer.server('default');
    const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(server.jwks()), {
      issuer: server.issuer,
      audience: server.audience,
    });
    expect(payload.cnf).toEqual({ jkt: await calculateJwkThumbprint(key.publicJwk) });
  });

  it('binds authorization_code tokens, and a refused proof does not use up the code (DP-3)', async () => {
    const server = issuer.server('default');
    const { query, verifier } = await authorizeSpa(server.authorizationEndpoint);
    const code = query.get('code') ?? '';
    const stale = await dpopProof(key, server.tokenEndpoint, {
      claims: { iat: Math.floor(Date.now() / 1000) - 600 },
    });
    const refused = await redeemSpaCode(server.tokenEndpoint, code, verifier, {}, { dpop: stale });
    expect((await refused.json()).error).toBe('invalid_dpop_proof');

    const proof = await dpopProof(key, server.tokenEndpoint);
    const response = await redeemSpaCode(server.tokenEndpoint, code, verifier, {}, { dpop: proof });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.token_type).toBe('DPoP');
    expect(payloadOf(body.access_token).cnf).toEqual({ jkt: await calculateJwkThumbprint(key.publicJwk) });
    expect(payloadOf(body.id_token).cnf).toBeUndefined();
  });

  it('issues plain Bearer tokens without cnf when no proof is sent', async () => {
    const body = await (await postForm(tokenUrl, CLIENT_CREDENTIALS, SERVICE_AUTH)).json();
    expect(body.token_type).toBe('Bearer');
    expect(payloadOf(body.access_token).cnf).toBeUndefined();
  });

  it('accepts RS256, PS256 and EdDSA proof keys, each with its own thumbprint (DP-1)', async () => {
    for (const alg of ['RS256', 'PS256', 'EdDSA']) {
      const other = await proofKey(alg);
      const response = await tokenRequest(await dpopProof(other, tokenUrl));
      expect(response.status).toBe(200);
      const claims = payloadOf((await response.json()).access_token);
      expect(claims.cnf).toEqual({ jkt: await calculateJwkThumbprint(other.publicJwk) });
    }
  });

  it('ignores the query of htu, comparing the target URI only (DP-2 item 9)', async () => {
    const response = await tokenRequest(await dpopProof(key, `${tokenUrl}?x=1#frag`));
    expect(response.status).toBe(200);
  });

  it('refuses a proof with the wrong typ or without one (DP-2 item 4)', async () => {
    await expectRefused(
      await dpopProof(key, tokenUrl, { header: { typ: 'JWT' } }),
      /typ must be "dpop\+jwt"/,
    );
    const noTyp = await new SignJWT({
      jti: 'j-1',
      htm: 'POST',
      htu: tokenUrl,
      iat: Math.floor(Date.now() / 1000),
    })
      .setProtectedHeader({ alg: 'ES256', jwk: key.publicJwk })
      .sign(key.privateKey);
    await expectRefused(noTyp, /typ must be "dpop\+jwt"/);
  });

  it('refuses HS256 and none proofs (DP-1, DP-2 item 5)', async () => {
    const secret = new TextEncoder().encode('a-shared-secret-of-32-bytes-long');
    const claims = { jti: 'j-hs', htm: 'POST', htu: tokenUrl, iat: Math.floor(Date.now() / 1000) };
    const hs256 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct' } })
      .sign(secret);
    await expectRefused(hs256, /alg must be one of/);
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt', jwk: key.publicJwk })).toString(
      'base64url',
    );
    const none = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    await expectRefused(none, /compact JWS/);
  });

  it('refuses a jwk with private key material, a missing jwk and a jwk of the wrong type (DP-2 item 7)', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    await expectRefused(
      await dpopProof(key, tokenUrl, { header: { jwk: privateJwk } }),
      /private key material \("d"\)/,
    );
    await expectRefused(await dpopProof(key, tokenUrl, { header: { jwk: undefined } }), /not a JSON object/);
    const rsa = await proofKey('RS256');
    await expectRefused(
      await dpopProof(key, tokenUrl, { header: { jwk: rsa.publicJwk } }),
      /ES256 needs a EC P-256 key/,
    );
  });

  it('refuses RSA proof keys shorter than 2048 bits (DP-2 item 5)', async () => {
    // jose will not sign with a short key, so this proof is signed with node:crypto.
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const header = { alg: 'RS256', typ: 'dpop+jwt', jwk: publicKey.export({ format: 'jwk' }) };
    const claims = { jti: 'short-key', htm: 'POST', htu: tokenUrl, iat: Math.floor(Date.now() / 1000) };
    const input = [header, claims]
      .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
      .join('.');
    const signature = sign('sha256', Buffer.from(input), privateKey).toString('base64url');
    await expectRefused(`${input}.${signature}`, /at least 2048 bits/);
  });

  it('refuses a proof signed by another key than its jwk (DP-2 item 6)', async () => {
    const other = await proofKey('ES256');
    await expectRefused(
      await dpopProof(other, tokenUrl, { header: { jwk: key.publicJwk } }),
      /signature does not verify/,
    );
  });

  it('refuses a proof whose header carries crit', async () => {
    await expectRefused(await dpopProof(key, tokenUrl, { header: { crit: ['b64'], b64: true } }), /crit/);
  });

  it('refuses missing or oversized jti, wrong htm, wrong htu (DP-2 items 3, 8, 9)', async () => {
    await expectRefused(await dpopProof(key, tokenUrl, { claims: { jti: undefined } }), /jti must be/);
    await expectRefused(await dpopProof(key, tokenUrl, { claims: { jti: 'x'.repeat(257) } }), /jti must be/);
    await expectRefused(await dpopProof(key, tokenUrl, { htm: 'GET' }), /htm must be "POST", found "GET"/);
    const elsewhere = [
      issuer.server('payments').tokenEndpoint,
      tokenUrl.replace('127.0.0.1', 'localhost'),
      `${tokenUrl}/extra`,
      'not a url',
    ];
    for (const htu of elsewhere) {
      await expectRefused(await dpopProof(key, htu), /htu must be/);
    }
    await expectRefused(await dpopProof(key, tokenUrl, { claims: { htu: undefined } }), /htu must be/);
  });

  it('refuses stale, future and missing iat (DP-2 item 11)', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await dpopProof(key, tokenUrl, { claims: { iat: now - 120 } }), /in the past/);
    await expectRefused(await dpopProof(key, tokenUrl, { claims: { iat: now + 120 } }), /in the future/);
    await expectRefused(
      await dpopProof(key, tokenUrl, { claims: { iat: String(now) } }),
      /iat must be a number/,
    );
  });

  it('refuses a replayed proof (DP-7)', async () => {
    const proof = await dpopProof(key, tokenUrl);
    expect((await tokenRequest(proof)).status).toBe(200);
    await expectRefused(proof, /already used/);
  });

  it('accepts the same jti from two different keys: replay is tracked per proof key (DP-7)', async () => {
    const other = await proofKey('ES256');
    const claims = { jti: `shared-${Date.now()}` };
    expect((await tokenRequest(await dpopProof(key, tokenUrl, { claims }))).status).toBe(200);
    expect((await tokenRequest(await dpopProof(other, tokenUrl, { claims }))).status).toBe(200);
  });

  it('refuses two DPoP header lines (DP-2 item 1)', async () => {
    const proofs = [await dpopProof(key, tokenUrl), await dpopProof(key, tokenUrl)];
    const response = await postWithRawHeaders(tokenUrl, new URLSearchParams(CLIENT_CREDENTIALS).toString(), {
      ...SERVICE_AUTH,
      DPoP: proofs,
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: 'invalid_dpop_proof',
      error_description: 'Send exactly one DPoP header',
    });
  });

  it('refuses garbage in the DPoP header (DP-2 item 2)', async () => {
    await expectRefused('not-a-jwt', /compact JWS/);
    await expectRefused('a.b.c', /compact JWS/);
    await expectRefused('x'.repeat(9000), /longer than 8192/);
  });

  it('checks client authentication before the proof, so a bad client never burns a proof', async () => {
    const proof = await dpopProof(key, tokenUrl);
    const refused = await postForm(tokenUrl, CLIENT_CREDENTIALS, {
      authorization: basicAuth('test-client', 'wrong'),
      dpop: proof,
    });
    expect(refused.status).toBe(401);
    expect((await tokenRequest(proof)).status).toBe(200);
  });

  it('mints bound tokens directly with mintAccessToken({}, { dpopJkt })', async () => {
    const jkt = await calculateJwkThumbprint(key.publicJwk);
    const token = await issuer.server('default').mintAccessToken({ scp: ['a'] }, { dpopJkt: jkt });
    expect(payloadOf(token).cnf).toEqual({ jkt });
    const explicit = await issuer
      .server('default')
      .mintAccessToken({ cnf: { jkt: 'other', x5t: 'y' } }, { dpopJkt: jkt });
    expect(payloadOf(explicit).cnf).toEqual({ jkt: 'other', x5t: 'y' });
  });

  it('advertises the proof algorithms in discovery (RFC 9449 §5.1)', async () => {
    const metadata = await (await fetch(issuer.server('default').discoveryUrl)).json();
    expect(metadata.dpop_signing_alg_values_supported).toEqual(['ES256', 'RS256', 'PS256', 'EdDSA']);
  });

  it('counts and faults DPoP token requests like any other', async () => {
    issuer.resetCounts();
    issuer.setFault({ server: 'default', endpoint: 'token', status: 503, times: 1 });
    expect((await tokenRequest(await dpopProof(key, tokenUrl))).status).toBe(503);
    expect((await tokenRequest(await dpopProof(key, tokenUrl))).status).toBe(200);
    expect(issuer.requestCount({ server: 'default', endpoint: 'token' })).toBe(2);
  });
});

describe('DPoP nonces at the token endpoint (RFC 9449 §8)', () => {
  let issuer: ReferenceIssuer;
  let key: ProofKey;

  beforeAll(async () => {
    issuer = await startIssuer({ servers: ['payments'], dpopNonce: ['default'] });
    key = await proofKey('ES256');
  });
  afterAll(async () => {
    await issuer.close();
  });

  const request = (url: string, proof: string) =>
    postForm(url, CLIENT_CREDENTIALS, { ...SERVICE_AUTH, dpop: proof });

  it('answers a proof without a nonce with use_dpop_nonce and a DPoP-Nonce header, then accepts the retry (DP-6)', async () => {
    const tokenUrl = issuer.server('default').tokenEndpoint;
    const challenged = await request(tokenUrl, await dpopProof(key, tokenUrl));
    expect(challenged.status).toBe(400);
    expect((await challenged.json()).error).toBe('use_dpop_nonce');
    const nonce = challenged.headers.get('dpop-nonce') ?? '';
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const retried = await request(tokenUrl, await dpopProof(key, tokenUrl, { claims: { nonce } }));
    expect(retried.status).toBe(200);
    expect(retried.headers.get('dpop-nonce')).toBe(nonce);
    expect((await retried.json()).token_type).toBe('DPoP');
  });

  it('answers a forged nonce with use_dpop_nonce (DP-6)', async () => {
    const tokenUrl = issuer.server('default').tokenEndpoint;
    const response = await request(tokenUrl, await dpopProof(key, tokenUrl, { claims: { nonce: 'forged' } }));
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe('use_dpop_nonce');
    expect(response.headers.get('dpop-nonce')).not.toBe('forged');
  });

  it('leaves servers not listed without nonces, and Bearer requests unaffected', async () => {
    const paymentsUrl = issuer.server('payments').tokenEndpoint;
    const response = await request(paymentsUrl, await dpopProof(key, paymentsUrl));
    expect(response.status).toBe(200);
    expect(response.headers.get('dpop-nonce')).toBeNull();
    const bearer = await postForm(issuer.server('default').tokenEndpoint, CLIENT_CREDENTIALS, SERVICE_AUTH);
    expect((await bearer.json()).token_type).toBe('Bearer');
  });

  it('does not accept one server nonce at another server', async () => {
    const other = await startIssuer({ dpopNonce: true });
    try {
      const defaultUrl = other.server('default').tokenEndpoint;
      const orgUrl = other.orgServer.tokenEndpoint;
      const first = await request(defaultUrl, await dpopProof(key, defaultUrl));
      const nonce = first.headers.get('dpop-nonce') ?? '';
      const atOrg = await request(orgUrl, await dpopProof(key, orgUrl, { claims: { nonce } }));
      expect((await atOrg.json()).error).toBe('use_dpop_nonce');
    } finally {
      await other.close();
    }
  });

  it('refuses a dpopNonce option that is not a boolean or a list of ids', async () => {
    await expect(startIssuer({ dpopNonce: 'yes' as unknown as boolean })).rejects.toThrow(
      /dpopNonce must be/,
    );
  });
});
