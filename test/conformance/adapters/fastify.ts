import { createAccessTokenVerifier } from '@tokenward/core';
import tokenward, { resourceMetadataPlugin } from '@tokenward/fastify';
import Fastify from 'fastify';
import { type AdapterHarness, RESOURCE_METADATA, STEP_UP } from '../harness.js';

export const fastifyHarness: AdapterHarness = {
  name: 'fastify',
  async start({ realm, main, outage, resource, dpop, introspection }) {
    const app = Fastify();
    const mcp = createAccessTokenVerifier({ ...resource, realm });
    await app.register(resourceMetadataPlugin, { verifier: mcp, ...RESOURCE_METADATA });
    await app.register(async (api) => {
      await api.register(tokenward, { verifier: mcp });
      api.get('/mcp', { config: { auth: { scopes: ['mcp:tools'] } } }, async (request) => ({
        subject: request.auth?.subject,
      }));
    });
    await app.register(async (api) => {
      await api.register(tokenward, { ...main, realm });
      api.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_, body, done) =>
        done(null, new URLSearchParams(String(body))),
      );
      const orders = { config: { auth: { scopes: ['orders:read'] } } };
      api.get('/orders', orders, async (request) => ({ subject: request.auth?.subject }));
      api.options('/orders', orders, async (request) => ({ subject: request.auth?.subject }));
      api.post('/orders', orders, async (request) => ({ subject: request.auth?.subject }));
      api.get('/strong', { config: { auth: STEP_UP } }, async (request) => ({
        subject: request.auth?.subject,
      }));
      api.get('/gold', { config: { auth: { claims: { tier: 'gold' } } } }, async (request) => ({
        subject: request.auth?.subject,
      }));
      api.get('/maybe', { config: { auth: 'optional' } }, async (request) => ({
        subject: request.auth?.subject ?? 'anonymous',
      }));
    });
    await app.register(async (api) => {
      await api.register(tokenward, { ...outage, realm });
      api.get('/outage', { config: { auth: {} } }, async (request) => ({ subject: request.auth?.subject }));
    });
    for (const [path, trust, auth] of [
      ['/dpop', dpop.allowed, { scopes: ['orders:read'] }],
      ['/dpop-nonce', dpop.nonced, {}],
      ['/dpop-nonce-next', dpop.noncedNextStep, {}],
      ['/dpop-outage', dpop.outage, {}],
    ] as const) {
      await app.register(async (api) => {
        await api.register(tokenward, { ...trust, realm });
        api.get(path, { config: { auth } }, async (request) => ({ subject: request.auth?.subject }));
      });
    }
    for (const [path, trust, auth] of [
      ['/introspected', introspection.fallback, { scopes: ['orders:read'] }],
      ['/introspected-always', introspection.always, { scopes: ['orders:read'] }],
      ['/introspected-strong', introspection.always, STEP_UP],
      ['/introspected-outage', introspection.outage, {}],
    ] as const) {
      await app.register(async (api) => {
        await api.register(tokenward, { ...trust, realm });
        api.get(path, { config: { auth } }, async (request) => ({
          subject: request.auth?.subject,
          scopes: request.auth?.scopes,
        }));
      });
    }
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
};
