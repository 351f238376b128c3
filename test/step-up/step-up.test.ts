/**
 * Step-up authentication (RFC 9470) end to end, through real Express and Fastify APIs on
 * loopback and the reference issuer: a user token from authorization code + PKCE, a route that
 * asks for a stronger or fresher sign-in, and the client signing in again with the `acr_values`
 * and `max_age` the challenge names.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type AccessTokenVerifier, createAccessTokenVerifier } from '@tokenward/core';
import { authErrorHandler, requireAuth } from '@tokenward/express';
import tokenward from '@tokenward/fastify';
import { ACR_VALUES, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import express from 'express';
import Fastify, { type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { challengeParameters, signIn } from './user-agent.js';

/** `POST /transfers`: a two-factor sign-in (or stronger) within the last five minutes. */
const TRANSFERS = { scopes: ['payments:write'], acrValues: ['urn:tokenward:loa:2'], maxAge: 300 };
const SCOPE = 'payments:read payments:write';

interface Api {
  readonly url: string;
  close(): Promise<void>;
}

async function startExpress(verifier: AccessTokenVerifier): Promise<Api> {
  const app = express();
  const subject = (req: express.Request, res: express.Response) => {
    res.json({ subject: req.auth?.subject, acr: req.auth?.claims.acr });
  };
  app.get('/balance', requireAuth(verifier, { scopes: ['payments:read'] }), subject);
  app.post('/transfers', requireAuth(verifier, TRANSFERS), subject);
  app.use(authErrorHandler({ log: false }));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function startFastify(verifier: AccessTokenVerifier): Promise<Api> {
  const app = Fastify();
  await app.register(tokenward, { verifier });
  const subject = async (request: FastifyRequest) => ({
    subject: request.auth?.subject,
    acr: request.auth?.claims.acr,
  });
  app.get('/balance', { config: { auth: { scopes: ['payments:read'] } } }, subject);
  app.post('/transfers', { config: { auth: TRANSFERS } }, subject);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

let org: ReferenceIssuer;
let issuer: string;
const apis = new Map<string, Api>();
/**
 * The verifier's "now", set before each test: Express and Fastify must quote the same sign-in age,
 * which a clock read per request can tick past between the two requests on a busy machine.
 */
let now = Date.now();
beforeEach(() => {
  now = Date.now();
});

beforeAll(async () => {
  org = await startIssuer({ port: 0 });
  issuer = org.server('default').issuer;
  // "At least loa:2": the issuer's levels, weakest first, so a phishing-resistant sign-in also does.
  const verifier = createAccessTokenVerifier({
    issuer,
    audience: org.server('default').audience,
    acrLevels: [...ACR_VALUES],
    clock: () => now,
  });
  apis.set('Express', await startExpress(verifier));
  apis.set('Fastify', await startFastify(verifier));
});
afterAll(async () => {
  for (const api of apis.values()) await api.close();
  await org?.close();
});

/** One request to every API (Express, then Fastify); their answers must agree. */
async function everyApi(method: string, path: string, token: string) {
  const answers = [];
  for (const [name, api] of apis) {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
    });
    // The fields every adapter sends (Fastify adds its `statusCode` and `message`).
    const { error, error_description, code, subject, acr } = (await response.json()) as Record<
      string,
      unknown
    >;
    const body = Object.fromEntries(
      Object.entries({ error, error_description, code, subject, acr }).filter(
        ([, value]) => value !== undefined,
      ),
    );
    answers.push({ status: response.status, challenge: response.headers.get('www-authenticate'), body });
    if (answers.length > 1) expect(answers.at(-1), `${name} answers as the first API`).toEqual(answers[0]);
  }
  return answers[0] as NonNullable<(typeof answers)[0]>;
}

describe('step-up through Express and Fastify with the reference issuer (RFC 9470)', () => {
  it('SU-1, SU-3, SU-4: a one-factor sign-in is 401 with acr_values; signing in again at that level gets through', async () => {
    org.signInTestUser({ acr: 'urn:tokenward:loa:1' });
    const weak = await signIn(issuer, SCOPE);
    // The same token is good enough for a route that asks for no step-up.
    expect((await everyApi('GET', '/balance', weak)).status).toBe(200);

    const refused = await everyApi('POST', '/transfers', weak);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({
      error: 'insufficient_user_authentication',
      code: 'ERR_INSUFFICIENT_USER_AUTHENTICATION',
    });
    expect(refused.body.error_description).toContain('"urn:tokenward:loa:2" or stronger');
    expect(refused.challenge).toMatch(
      /^Bearer realm="api", error="insufficient_user_authentication", error_description="[^"]+", scope="payments:write", acr_values="urn:tokenward:loa:2", max_age="300"$/,
    );

    const { acr_values, max_age } = challengeParameters(refused.challenge);
    const strong = await signIn(issuer, SCOPE, { acr_values, max_age });
    const accepted = await everyApi('POST', '/transfers', strong);
    expect(accepted).toMatchObject({ status: 200, body: { acr: 'urn:tokenward:loa:2' } });
  });

  it('SU-1: with the issuer levels as acrLevels, a stronger sign-in than asked for gets through', async () => {
    org.signInTestUser({ acr: 'phr' });
    const answer = await everyApi('POST', '/transfers', await signIn(issuer, SCOPE));
    expect(answer).toMatchObject({ status: 200, body: { acr: 'phr' } });
  });

  it('SU-2, SU-4: a two-factor sign-in an hour old is 401 with max_age; a fresh sign-in gets through', async () => {
    org.signInTestUser({ acr: 'urn:tokenward:loa:2', authTime: Math.floor(now / 1000) - 3600 });
    const stale = await signIn(issuer, SCOPE);
    const refused = await everyApi('POST', '/transfers', stale);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('ERR_INSUFFICIENT_USER_AUTHENTICATION');
    expect(refused.body.error_description).toMatch(
      /within the last 300 s; the token's sign-in was 36\d\d s ago/,
    );
    expect(refused.challenge).toMatch(/, max_age="300"$/);

    const { acr_values, max_age } = challengeParameters(refused.challenge);
    const fresh = await signIn(issuer, SCOPE, { acr_values, max_age });
    expect((await everyApi('POST', '/transfers', fresh)).status).toBe(200);
  });
});
