import { createAccessTokenVerifier } from '@tokenward/core';
import Fastify from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import tokenward from '../src/index.js';
import { useIssuerAndApp } from './support.js';

// What core's request step is handed of a Fastify request with a DPoP token: the plugin reads the
// peer address (a socket getter) only for a verifier that takes DPoP.

const suite = useIssuerAndApp();

describe('a token with the DPoP scheme', () => {
  it("hands the verifier the request's proof, method, target and peer address (RFC 9449 section 7.1)", async () => {
    const server = suite.issuer.server('default');
    const dpop = { mode: 'allowed' as const, trustForwardedHeaders: ['10.0.0.5'] };
    const real = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience, dpop });
    const verify = vi.fn(real.verify);
    suite.app = Fastify();
    await suite.app.register(tokenward, { verifier: { ...real, verify } });
    suite.app.post('/orders', { preHandler: suite.app.requireAuth() }, async () => ({ ok: true }));

    await suite.app.inject({
      method: 'POST',
      url: '/orders?page=2',
      remoteAddress: '10.0.0.5',
      headers: { authorization: 'DPoP some-token', dpop: 'some-proof' },
    });

    expect(verify).toHaveBeenCalledOnce();
    expect(verify.mock.calls[0]?.[1]?.dpop).toMatchObject({
      proof: 'some-proof',
      method: 'POST',
      url: '/orders?page=2',
      remoteAddress: '10.0.0.5',
    });
  });
});
