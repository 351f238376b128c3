import type { ReferenceIssuer } from '@tokenward/issuer';
import Fastify, { type FastifyInstance, type onRequestHookHandler } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tokenward from '../src/index.js';
import { bearer, defaultServerOptions, startTestIssuer } from './support.js';

let issuer: ReferenceIssuer;
let app: FastifyInstance;
// What requireAuth()'s hook returned when called with Fastify's `done`, per request.
const returned: unknown[] = [];

beforeAll(async () => {
  issuer = await startTestIssuer();
  app = Fastify();
  await app.register(tokenward, defaultServerOptions(issuer));
  const hook = app.requireAuth();
  // As Fastify calls it: with `done`.
  const withDone: (...args: Parameters<onRequestHookHandler>) => Promise<void> | undefined = hook;
  app.get(
    '/with-done',
    {
      onRequest(request, reply, done) {
        const answer = withDone(request, reply, done);
        returned.push(answer);
        return answer;
      },
    },
    async (request) => ({ subject: request.auth?.subject }),
  );
  // Called from the caller's own async hook, without `done`: always a promise to await.
  app.get(
    '/awaited',
    {
      async onRequest(request, reply) {
        const answer = hook(request, reply);
        expect(answer).toBeInstanceOf(Promise);
        await answer;
      },
    },
    async (request) => ({ subject: request.auth?.subject }),
  );
});

afterAll(async () => {
  await app?.close();
  await issuer?.close();
});

function mint(): Promise<string> {
  return issuer.server('default').mintAccessToken({ sub: 'alice' });
}

describe("requireAuth()'s hook", () => {
  it('waits with a promise while keys are fetched, then goes on through done without one', async () => {
    const token = await mint();

    const first = await app.inject({ url: '/with-done', headers: bearer(token) });
    const second = await app.inject({ url: '/with-done', headers: bearer(token) });

    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(second.json()).toEqual({ subject: 'alice' });
    expect(returned[0]).toBeInstanceOf(Promise);
    expect(returned[1]).toBeUndefined();
  });

  it('answers a token refused at once with the 401 (RFC 6750 §3.1)', async () => {
    const response = await app.inject({ url: '/with-done', headers: bearer(`${await mint()}x`) });

    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(response.json()).toMatchObject({ code: 'ERR_TOKEN_MALFORMED' });
  });

  it('answers a promise when called without done, for hooks that await it', async () => {
    const ok = await app.inject({ url: '/awaited', headers: bearer(await mint()) });
    const refused = await app.inject({ url: '/awaited' });

    expect(ok.json()).toEqual({ subject: 'alice' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'ERR_TOKEN_MISSING' });
  });
});
