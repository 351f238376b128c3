/**
 * DPoP behind a proxy (RFC 9449 section 4.3 check 9): with `trustForwardedHeaders` given as a list
 * of proxy addresses, the API takes the `htu` origin from `X-Forwarded-Proto` and `-Host` only
 * when the connection's peer is one of them. Express and Fastify on real sockets (port 0) must
 * read the same peer address: the test client connects from 127.0.0.1, which one API lists as
 * its proxy and the other does not.
 */
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessTokenVerifierOptions } from '@tokenward/core';
import { authErrorHandler, requireAuth } from '@tokenward/express';
import tokenward from '@tokenward/fastify';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientKey, clientKey, proofFor } from './client.js';

const FORWARDED = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com' };
let issuer: ReferenceIssuer;
let key: ClientKey;
let token: string;

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['default'] });
  key = await clientKey();
  token = await issuer.server('default').mintAccessToken({ sub: 'alice' }, { dpopJkt: key.thumbprint });
});

afterAll(async () => {
  await issuer?.close();
});

interface Api {
  readonly url: string;
  close(): Promise<void>;
}

const starters = {
  async express(options: AccessTokenVerifierOptions): Promise<Api> {
    const app = express();
    app.get('/orders', requireAuth(options), (req, res) => {
      res.json({ subject: req.auth?.subject });
    });
    app.use(authErrorHandler({ log: false }));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        }),
    };
  },
  async fastify(options: AccessTokenVerifierOptions): Promise<Api> {
    const app = Fastify();
    await app.register(tokenward, options);
    app.get('/orders', { config: { auth: {} } }, async (request) => ({ subject: request.auth?.subject }));
    return { url: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
  },
};

function get(url: string, headers: Record<string, string>): Promise<{ status: number; code?: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { headers, agent: false }, (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => {
        text += chunk;
      });
      incoming.on('end', () => {
        const body = JSON.parse(text) as { code?: string };
        resolve({
          status: incoming.statusCode ?? 0,
          ...(body.code === undefined ? {} : { code: body.code }),
        });
      });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe.each(['express', 'fastify'] as const)('DP-2: %s behind a listed proxy', (framework) => {
  const apis: Api[] = [];
  const start = async (proxies: string[]) => {
    const api = await starters[framework]({
      issuer: issuer.server('default').issuer,
      audience: 'api://default',
      dpop: { mode: 'required', trustForwardedHeaders: proxies },
    });
    apis.push(api);
    return api;
  };
  const send = async (api: Api) =>
    get(`${api.url}/orders`, {
      ...FORWARDED,
      authorization: `DPoP ${token}`,
      dpop: await proofFor(key, { htu: 'https://api.example.com/orders', accessToken: token }),
    });

  afterAll(async () => {
    await Promise.all(apis.map((api) => api.close()));
  });

  it('takes the htu origin from X-Forwarded-* when the peer is a listed proxy (IPv4-mapped peers too)', async () => {
    expect(await send(await start(['10.0.0.5', '127.0.0.1']))).toEqual({ status: 200 });
    expect(await send(await start(['::ffff:127.0.0.1']))).toEqual({ status: 200 });
  });

  it('ignores X-Forwarded-* from a peer that is not listed, and then has no origin to check htu against', async () => {
    expect(await send(await start(['10.0.0.5']))).toEqual({ status: 401, code: 'ERR_DPOP_PROOF_INVALID' });
  });
});
