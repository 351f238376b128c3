import { Writable } from 'node:stream';
import type { AuthServer } from '@tokenward/issuer';
import Fastify, { type FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import tokenward from '../src/index.js';
import { bearer, defaultServerOptions, useIssuerAndApp } from './support.js';

const suite = useIssuerAndApp();

interface LogLine {
  level: number;
  msg: string;
  err?: { type: string; message: string; stack: string; code?: string };
}

/** An app with `logger: true`-style JSON logging into `lines`. */
async function loggedApp(
  lines: LogLine[],
  options = defaultServerOptions(suite.issuer),
): Promise<FastifyInstance> {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as LogLine);
      done();
    },
  });
  const instance = Fastify({ logger: { stream } });
  await instance.register(tokenward, options);
  instance.get('/orders', { preHandler: instance.requireAuth({ scopes: ['orders:read'] }) }, async () => ({
    ok: true,
  }));
  return instance;
}

describe("the default error handler's answers", () => {
  it("carry core's body: OAuth error name, description and code, beside Fastify's statusCode and message", async () => {
    suite.app = await loggedApp([]);
    const token = await suite.issuer.server('default').mintAccessToken({ sub: 'alice' }, { expiresIn: -600 });

    const response = await suite.app.inject({ url: '/orders', headers: bearer(token) });

    expect(response.statusCode).toBe(401);
    const body = response.json();
    expect(body).toEqual({
      statusCode: 401,
      error: 'invalid_token',
      error_description: expect.stringContaining('expired'),
      code: 'ERR_TOKEN_EXPIRED',
      message: body.error_description,
    });
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
  });

  it('BT-7: leave the error name out when the request carried no credentials', async () => {
    suite.app = await loggedApp([]);

    const response = await suite.app.inject({ url: '/orders' });

    expect(response.json()).toEqual({
      statusCode: 401,
      error_description: expect.any(String),
      code: 'ERR_TOKEN_MISSING',
      message: expect.any(String),
    });
  });
});

describe('quiet logs under logger: true', () => {
  it('a rejected token is one log line, with no stack trace', async () => {
    const lines: LogLine[] = [];
    suite.app = await loggedApp(lines);

    await suite.app.inject({ url: '/orders', headers: bearer('not-a-jwt') });

    const errorLines = lines.filter((line) => line.err !== undefined);
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]?.err?.code).toBe('ERR_TOKEN_MALFORMED');
    expect(errorLines[0]?.err?.stack).not.toMatch(/\n\s+at /);
    expect(JSON.stringify(lines)).not.toContain('not-a-jwt');
  });

  describe('an outage of the key set', () => {
    let server: AuthServer;

    beforeAll(() => {
      server = suite.issuer.addServer();
      suite.issuer.setFault({ server: server.id, endpoint: 'jwks', status: 500 });
    });

    it('is logged once with its detail, while the 503 body shows no internals', async () => {
      const lines: LogLine[] = [];
      suite.app = await loggedApp(lines, { issuer: server.issuer, audience: server.audience });

      const response = await suite.app.inject({
        url: '/orders',
        headers: bearer(await server.mintAccessToken({ sub: 'a' })),
      });

      expect(response.statusCode).toBe(503);
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      expect(response.json()).toEqual({
        statusCode: 503,
        error: 'temporarily_unavailable',
        error_description: expect.any(String),
        code: 'ERR_JWKS_FETCH_FAILED',
        message: expect.any(String),
      });
      expect(response.body).not.toMatch(/127\.0\.0\.1|http/);
      const detailed = lines.filter((line) => JSON.stringify(line).includes(server.issuer));
      expect(detailed).toHaveLength(1);
      expect(detailed[0]?.err?.stack).not.toMatch(/\n\s+at /);
    });
  });
});
