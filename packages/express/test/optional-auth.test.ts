import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authErrorHandler, optionalAuth } from '../src/index.js';
import { bearer, tamper, trust } from './support/issuer.js';
import { expressVersions, listen, type RunningApp } from './support/listen.js';

let issuer: ReferenceIssuer;

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['default'] });
});

afterAll(async () => {
  await issuer.close();
});

describe.each(expressVersions)('optionalAuth on $label', ({ express }) => {
  let app: RunningApp;

  beforeAll(async () => {
    const server = express();
    server.get('/feed', optionalAuth(trust(issuer.server('default'))), (req, res) => {
      res.json({ authenticated: req.auth !== undefined, subject: req.auth?.subject ?? null });
    });
    server.use(authErrorHandler({ log: false }));
    app = await listen(server);
  });

  afterAll(async () => {
    await app.close();
  });

  it('lets an anonymous request through with req.auth unset', async () => {
    const response = await fetch(`${app.url}/feed`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ authenticated: false, subject: null });
  });

  it('sets req.auth for a valid token', async () => {
    const token = await issuer.server('default').mintAccessToken({ sub: 'alice' });
    const response = await fetch(`${app.url}/feed`, { headers: bearer(token) });
    expect(await response.json()).toEqual({ authenticated: true, subject: 'alice' });
  });

  it('BT-7: still refuses a token that was sent but is not valid with 401 invalid_token', async () => {
    const token = tamper(await issuer.server('default').mintAccessToken({ sub: 'alice' }));
    const response = await fetch(`${app.url}/feed`, { headers: bearer(token) });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_token', code: 'ERR_SIGNATURE_INVALID' });
  });

  it('BT-1: still refuses a malformed Authorization header with 400 invalid_request', async () => {
    const response = await fetch(`${app.url}/feed`, { headers: { authorization: 'Bearer' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});
