// One API process of the shared-Redis tests: an Express or a Fastify API requiring DPoP, whose
// replay store is the Redis at REDIS_URL, reached through its own ioredis client, as a second
// instance behind a load balancer would be: every instance has the same external origin
// (DPOP_ORIGIN), the one clients address. It loads the built packages (`pnpm build`), reads its
// settings from the environment and prints "ready" once it listens.
import { authErrorHandler, requireAuth } from '@tokenward/express';
import tokenward from '@tokenward/fastify';
import { createRedisStore } from '@tokenward/redis';
import express from 'express';
import Fastify from 'fastify';
import { Redis } from 'ioredis';

const { DPOP_ORIGIN, FRAMEWORK, ISSUER, PORT, REDIS_URL } = process.env;
const client = new Redis(REDIS_URL, { retryStrategy: () => 50 });
client.on('error', () => {});
const options = {
  issuer: ISSUER,
  audience: 'api://default',
  dpop: {
    mode: 'required',
    origins: [DPOP_ORIGIN],
    replayStore: createRedisStore({ client, prefix: 'shared-apis:', timeout: 2 }),
  },
};

if (FRAMEWORK === 'express') {
  const app = express();
  app.get('/orders', requireAuth(options), (req, res) =>
    res.json({ served: 'express', subject: req.auth.subject }),
  );
  app.use(authErrorHandler({ log: false }));
  app.listen(Number(PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
} else {
  const app = Fastify();
  await app.register(tokenward, options);
  app.get('/orders', { config: { auth: {} } }, async (request) => ({
    served: 'fastify',
    subject: request.auth.subject,
  }));
  await app.listen({ port: Number(PORT), host: '127.0.0.1' });
  process.stdout.write('ready\n');
}
