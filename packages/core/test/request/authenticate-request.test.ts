import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccessTokenVerifier,
  type AuthRequest,
  authenticateRequest,
  checkAuthRequirements,
  createAccessTokenVerifier,
  validateAuthRequirements,
  validateRequestOptions,
} from '../../src/node.js';
import { refusal } from './support.js';

let org: ReferenceIssuer;
let server: AuthServer;
let verifier: AccessTokenVerifier;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default'] });
  server = org.server('default');
  verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience, realm: 'orders' });
});
afterAll(() => org.close());

const get = (headers: Record<string, string>, url = '/orders'): AuthRequest => ({
  method: 'GET',
  url,
  headers,
});

describe('authenticateRequest', () => {
  it('verifies a bearer token and reports how it came', async () => {
    const token = await server.mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const outcome = await authenticateRequest(verifier, get({ authorization: `Bearer ${token}` }));
    expect(outcome).toMatchObject({
      kind: 'authenticated',
      auth: { subject: 'alice', scopes: ['orders:read'] },
      credentials: { scheme: 'Bearer', token, source: 'header' },
    });
  });

  it('BT-7: answers no credentials with 401 ERR_TOKEN_MISSING, a bare challenge in the verifier realm and no error name in the body', async () => {
    const error = await refusal(authenticateRequest(verifier, get({})));
    expect(error).toMatchObject({ code: 'ERR_TOKEN_MISSING', status: 401 });
    expect(error.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="orders"' });
    expect(error.body).toEqual({ error_description: expect.any(String), code: 'ERR_TOKEN_MISSING' });
  });

  it("lets a request without credentials through as 'anonymous' with credentials: 'optional'", async () => {
    const options = validateRequestOptions({ credentials: 'optional' }, 'test');
    expect(await authenticateRequest(verifier, get({}), undefined, options)).toEqual({ kind: 'anonymous' });
    const refused = await refusal(
      authenticateRequest(verifier, get({ authorization: 'Bearer x.y.z' }), undefined, options),
    );
    expect(refused.code).toBe('ERR_TOKEN_MALFORMED');
  });

  it('CORS preflight (Fetch standard): reports it without looking for credentials; a plain OPTIONS is challenged', async () => {
    const preflight = { origin: 'https://app.example', 'access-control-request-method': 'DELETE' };
    expect(await authenticateRequest(verifier, { ...get(preflight), method: 'OPTIONS' })).toEqual({
      kind: 'preflight',
    });
    const plain = await refusal(authenticateRequest(verifier, { ...get({}), method: 'OPTIONS' }));
    expect(plain.code).toBe('ERR_TOKEN_MISSING');
  });

  it('puts every failure in the realm of the options, request errors included', async () => {
    const options = validateRequestOptions({ realm: 'shop' }, 'test');
    const malformed = await refusal(
      authenticateRequest(verifier, get({ authorization: 'Bearer' }), undefined, options),
    );
    const invalid = await refusal(
      authenticateRequest(verifier, get({ authorization: 'Bearer a.b.c' }), undefined, options),
    );
    expect(malformed.headers['WWW-Authenticate']).toMatch(/^Bearer realm="shop", error="invalid_request"/);
    expect(invalid.headers['WWW-Authenticate']).toMatch(/^Bearer realm="shop", error="invalid_token"/);
  });

  it('checks the route requirements, answering 403 insufficient_scope with the scope in the challenge', async () => {
    const token = await server.mintAccessToken({ sub: 'alice', scp: ['profile'] });
    const requirements = validateAuthRequirements({ scopes: ['orders:write'] }, 'test');
    const error = await refusal(
      authenticateRequest(verifier, get({ authorization: `Bearer ${token}` }), requirements),
    );
    expect(error).toMatchObject({ status: 403, code: 'ERR_INSUFFICIENT_SCOPE' });
    expect(error.headers['WWW-Authenticate']).toContain('scope="orders:write"');
    expect(error.body).toEqual({
      error: 'insufficient_scope',
      error_description: error.message,
      code: 'ERR_INSUFFICIENT_SCOPE',
    });
  });

  it('reads a Fetch Headers object, which joins repeated lines: two credentials are 400 (BT-9)', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    const headers = new Headers();
    headers.append('authorization', `Bearer ${token}`);
    expect(
      await authenticateRequest(verifier, { method: 'GET', url: 'https://api.example/orders', headers }),
    ).toMatchObject({
      kind: 'authenticated',
    });
    headers.append('authorization', `Bearer ${token}`);
    const error = await refusal(
      authenticateRequest(verifier, { method: 'GET', url: 'https://api.example/orders', headers }),
    );
    expect(error).toMatchObject({ status: 400, code: 'ERR_INVALID_REQUEST' });
  });

  it('reads raw header lines alone, and refuses a repeated Authorization line there (BT-9)', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    const once = ['Host', 'api', 'Authorization', `Bearer ${token}`];
    expect(await authenticateRequest(verifier, { method: 'GET', url: '/', rawHeaders: once })).toMatchObject({
      kind: 'authenticated',
    });
    const twice = [...once, 'authorization', `Bearer ${token}`];
    const error = await refusal(
      authenticateRequest(verifier, { method: 'GET', url: '/', rawHeaders: twice }),
    );
    expect(error.code).toBe('ERR_INVALID_REQUEST');
  });

  it('BT-5: reads access_token from the URL query only with allowQuery, and refuses it beside a header (BT-3)', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    const url = `/orders?access_token=${token}`;
    const allowQuery = validateRequestOptions({ allowQuery: true }, 'test');
    expect((await refusal(authenticateRequest(verifier, get({}, url)))).code).toBe('ERR_TOKEN_MISSING');
    expect(await authenticateRequest(verifier, get({}, url), undefined, allowQuery)).toMatchObject({
      credentials: { source: 'query' },
    });
    const both = await refusal(
      authenticateRequest(verifier, get({ authorization: `Bearer ${token}` }, url), undefined, allowQuery),
    );
    expect(both.code).toBe('ERR_INVALID_REQUEST');
  });

  it('BT-3: refuses an access_token query parameter beside the header also when the route does not read the query; alone it is no credentials', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    const header = { authorization: `Bearer ${token}` };
    for (const url of [
      `/orders?access_token=${token}`,
      '/orders?a=1&access_token=',
      '/orders?access_token=x&access_token=y',
    ]) {
      const both = await refusal(authenticateRequest(verifier, get(header, url)));
      expect(both).toMatchObject({ status: 400, code: 'ERR_INVALID_REQUEST' });
      expect(both.message).toContain('more than one way');
      expect(both.message).not.toContain(token);
    }
    const alone = await refusal(authenticateRequest(verifier, get({}, `/orders?access_token=${token}`)));
    expect(alone.code).toBe('ERR_TOKEN_MISSING');
    expect(await authenticateRequest(verifier, get(header, '/orders?token=1'))).toMatchObject({
      kind: 'authenticated',
    });
  });

  it('BT-3: refuses an access_token form field beside the header also without allowBody', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    const post = (form: unknown): AuthRequest => ({
      method: 'POST',
      url: '/orders',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      form,
    });
    for (const form of [
      `access_token=${token}`,
      { access_token: token },
      new URLSearchParams({ access_token: '' }),
    ]) {
      expect((await refusal(authenticateRequest(verifier, post(form)))).code).toBe('ERR_INVALID_REQUEST');
    }
    expect(await authenticateRequest(verifier, post('note=1'))).toMatchObject({ kind: 'authenticated' });
  });

  it('BT-7: another scheme is no credentials, and the message names the scheme that came', async () => {
    const basic = await refusal(
      authenticateRequest(verifier, get({ authorization: 'Basic YWxpY2U6c2VjcmV0' })),
    );
    expect(basic).toMatchObject({ status: 401, code: 'ERR_TOKEN_MISSING' });
    expect(basic.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="orders"' });
    expect(basic.message).toBe(
      'Expected the Bearer scheme in the Authorization header; found the "Basic" scheme',
    );
    expect(basic.message).not.toContain('YWxpY2U6c2VjcmV0');
    const long = await refusal(
      authenticateRequest(verifier, get({ authorization: `${'X'.repeat(500)} abc` })),
    );
    expect(long.message.length).toBeLessThan(200);
  });

  it('BT-4: reads access_token from a form body only on a form POST with allowBody', async () => {
    const token = await server.mintAccessToken({ sub: 'alice' });
    const allowBody = validateRequestOptions({ allowBody: true }, 'test');
    const post = (contentType: string, method = 'POST'): AuthRequest => ({
      method,
      url: '/orders',
      headers: { 'content-type': contentType },
      form: `access_token=${token}`,
    });
    expect(
      await authenticateRequest(verifier, post('application/x-www-form-urlencoded'), undefined, allowBody),
    ).toMatchObject({
      credentials: { source: 'form' },
    });
    expect(
      (await refusal(authenticateRequest(verifier, post('application/json'), undefined, allowBody))).code,
    ).toBe('ERR_TOKEN_MISSING');
    expect(
      (
        await refusal(
          authenticateRequest(
            verifier,
            post('application/x-www-form-urlencoded', 'GET'),
            undefined,
            allowBody,
          ),
        )
      ).code,
    ).toBe('ERR_TOKEN_MISSING');
  });
});

describe('checkAuthRequirements', () => {
  it('checks a verified result against more requirements, and answers no result with a bare challenge', async () => {
    const token = await server.mintAccessToken({ sub: 'alice', scp: ['orders:read'], tier: 'gold' });
    const outcome = await authenticateRequest(verifier, get({ authorization: `Bearer ${token}` }));
    if (outcome.kind !== 'authenticated') throw new Error('expected a verified token');
    checkAuthRequirements(outcome.auth, validateAuthRequirements({ claims: { tier: 'gold' } }, 'test'));
    const scope = await refusal(
      Promise.resolve().then(() => checkAuthRequirements(outcome.auth, { scopes: ['admin'] }, 'orders')),
    );
    expect(scope.headers['WWW-Authenticate']).toMatch(/^Bearer realm="orders", error="insufficient_scope"/);
    const missing = await refusal(
      Promise.resolve().then(() => checkAuthRequirements(undefined, {}, 'orders')),
    );
    expect(missing.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="orders"' });
  });
});

describe('validateRequestOptions', () => {
  it.each([
    [{ realm: 'a"b' }, '`realm`'],
    [{ allowQuery: 'yes' }, '`allowQuery`'],
    [{ allowBody: 1 }, '`allowBody`'],
    [{ credentials: 'maybe' }, '`credentials`'],
    [{ corsPreflight: 'ignore' }, '`corsPreflight`'],
    [{ realms: 'x' }, 'unknown option `realms`'],
  ])('refuses %o with ERR_CONFIG naming %s', (options, naming) => {
    expect(() => validateRequestOptions(options, 'adapter')).toThrow(naming);
  });

  it('returns a frozen copy without the members set to undefined', () => {
    const options = validateRequestOptions({ realm: 'api', allowQuery: undefined }, 'adapter');
    expect(options).toEqual({ realm: 'api' });
    expect(Object.isFrozen(options)).toBe(true);
  });
});

describe('TokenwardError answers', () => {
  it('5xx bodies are a generic sentence, never the message (which may name URLs)', async () => {
    const { TokenwardError: ErrorClass } = await import('../../src/node.js');
    const outage = new ErrorClass(
      'ERR_JWKS_FETCH_FAILED',
      'JWKS https://idp.example/keys: connect ECONNREFUSED 10.0.0.1:443',
    );
    expect(outage.body).toEqual({
      error: 'temporarily_unavailable',
      error_description: expect.not.stringMatching(/idp\.example|ECONNREFUSED|10\.0\.0\.1/),
      code: 'ERR_JWKS_FETCH_FAILED',
    });
  });

  it('refusals carry one line for a stack (no frames), configuration errors keep their trace', async () => {
    const { TokenwardError: ErrorClass } = await import('../../src/node.js');
    expect(new ErrorClass('ERR_TOKEN_EXPIRED', 'token expired').stack).toBe(
      'TokenwardError [ERR_TOKEN_EXPIRED]: token expired',
    );
    expect(new ErrorClass('ERR_CONFIG', 'bad option').stack).toMatch(/\n\s+at /);
  });
});

describe('errorLogLine', () => {
  it('is one line: status, code and message; a 5xx adds each cause once', async () => {
    const { TokenwardError: ErrorClass, errorLogLine } = await import('../../src/node.js');
    expect(errorLogLine(new ErrorClass('ERR_TOKEN_EXPIRED', 'token expired'))).toBe(
      '401 ERR_TOKEN_EXPIRED: token expired',
    );
    const network = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const outage = new ErrorClass('ERR_JWKS_FETCH_FAILED', 'key set unavailable', { cause: network });
    expect(errorLogLine(outage)).toBe(
      '503 ERR_JWKS_FETCH_FAILED: key set unavailable; cause: connect ECONNREFUSED 127.0.0.1:1',
    );
    const quoted = new ErrorClass('ERR_JWKS_FETCH_FAILED', `refresh failed: ${network.message}`, {
      cause: network,
    });
    expect(errorLogLine(quoted)).toBe(`503 ERR_JWKS_FETCH_FAILED: refresh failed: ${network.message}`);
  });
});
