import tokenward from '@tokenward/fastify';
import Fastify from 'fastify';
import type { AdapterHarness } from '../harness.js';

export const fastifyHarness: AdapterHarness = {
  name: 'fastify',
  async start({ realm, main, outage }) {
    const app = Fastify();
    await app.register(async (api) => {
      await api.register(tokenward, { ...main, realm });
      const orders = { config: { auth: { scopes: ['orders:read'] } } };
      api.get('/orders', orders, async (request) => ({ subject: request.auth?.subject }));
      api.options('/orders', orders, async (request) => ({ subject: request.auth?.subject }));
      api.get('/gold', { config: { auth: { claims: { tier: 'gold' } } } }, async (request) => ({
        subject: request.auth?.subject,
      }));
    });
    await app.register(async (api) => {
      await api.register(tokenward, { ...outage, realm });
      api.get('/outage', { config: { auth: {} } }, async (request) => ({ subject: request.auth?.subject }));
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
};
