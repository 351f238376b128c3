import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, startIssuer } from '../src/index.js';

describe('JWKS and key isolation', () => {
  let issuer: ReferenceIssuer;

  beforeAll(async () => {
    issuer = await startIssuer({ servers: ['payments'], jwksMaxAge: 120 });
  });
  afterAll(async () => {
    await issuer.close();
  });

  it('serves public keys only with kid, alg, use and Cache-Control max-age', async () => {
    const server = issuer.server('default');
    const response = await fetch(server.jwksUri);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('max-age=120');
    const body = await response.json();
    expect(body).toEqual(server.jwks());
    expect(body.keys).toHaveLength(1);
    const [key] = body.keys;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: server.activeKid });
    expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('gives every server its own keys: no kid in two servers (BCP-8)', async () => {
    const servers = [issuer.orgServer, ...issuer.servers];
    const kids = await Promise.all(
      servers.map(async (server) => {
        const body = await (await fetch(server.jwksUri)).json();
        return body.keys.map((key: { kid: string }) => key.kid) as string[];
      }),
    );
    const all = kids.flat();
    expect(all.length).toBe(servers.length);
    expect(new Set(all).size).toBe(all.length);
  });

  it('signs tokens a remote JWKS verifier accepts, and only the issuing server does', async () => {
    const server = issuer.server('payments');
    const token = await server.mintAccessToken({ scp: ['pay'] });
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(server.jwksUri)), {
      issuer: server.issuer,
      audience: 'api://payments',
    });
    expect(payload.scp).toEqual(['pay']);
    const otherKeys = createLocalJWKSet(issuer.server('default').jwks());
    await expect(jwtVerify(token, otherKeys)).rejects.toThrow();
  });

  it('keeps the old key published after rotateKeys() and signs with the new one (OK-3)', async () => {
    const server = issuer.server('default');
    const oldKid = server.activeKid;
    const { kid: newKid } = server.rotateKeys();
    expect(newKid).not.toBe(oldKid);
    expect(server.activeKid).toBe(newKid);
    const published = (await (await fetch(server.jwksUri)).json()).keys.map(
      (key: { kid: string }) => key.kid,
    );
    expect(published).toEqual(expect.arrayContaining([oldKid, newKid]));
    const token = await server.mintAccessToken();
    expect(decodeProtectedHeader(token).kid).toBe(newKid);
    server.retireKey(oldKid);
    const after = (await (await fetch(server.jwksUri)).json()).keys.map((key: { kid: string }) => key.kid);
    expect(after).toEqual([newKid]);
    expect(() => server.retireKey('no-such-kid')).toThrow(/no key/);
  });

  it('publishes added keys of other algorithms and signs with them on request', async () => {
    const server = issuer.server('payments');
    const { kid } = server.addKey('ES256');
    const jwk = server.jwks().keys.find((key) => key.kid === kid);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    const token = await server.mintAccessToken({}, { alg: 'ES256' });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid });
    await jwtVerify(token, createLocalJWKSet(server.jwks()), { algorithms: ['ES256'] });
    await expect(issuer.orgServer.mintAccessToken({}, { alg: 'EdDSA' })).rejects.toThrow(/addKey\('EdDSA'\)/);
  });
});
