import fastifyJwt from '@fastify/jwt';
import tokenward from '@tokenward/fastify';
import Fastify, { type FastifyInstance, type onRequestHookHandler } from 'fastify';
import { ORDERS_BODY, PROTECTED_PATH, type ServerConfig } from './server-config.js';

async function authHook(
  app: FastifyInstance,
  config: ServerConfig,
): Promise<onRequestHookHandler | undefined> {
  switch (config.auth) {
    case 'none':
      return undefined;
    case 'tokenward':
      await app.register(tokenward, { issuer: config.issuer, audience: config.audience });
      return app.requireAuth();
    case 'peer':
      // @fastify/jwt takes the key itself (no JWKS); iss, aud and alg are checked through fast-jwt's options.
      await app.register(fastifyJwt, {
        secret: { public: config.publicKeyPem },
        verify: { algorithms: ['RS256'], allowedIss: config.issuer, allowedAud: config.audience },
      });
      return async (request) => {
        await request.jwtVerify();
      };
  }
}

/** Fastify 5 with the auth as an `onRequest` hook of the route, errors through its default handler. */
export async function listenFastify(config: ServerConfig): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  const onRequest = await authHook(app, config);
  app.get(PROTECTED_PATH, onRequest ? { onRequest } : {}, async () => ORDERS_BODY);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}
