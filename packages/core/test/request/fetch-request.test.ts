import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccessTokenVerifier,
  authenticateFetchRequest,
  authenticateRequest,
  createAccessTokenVerifier,
  TokenwardError,
  validateAuthRequirements,
  withAuth,
} from '../../src/index.js';

const METADATA = 'https://api.example/.well-known/oauth-protected-resource/orders';

let org: ReferenceIssuer;
let server: AuthServer;
let verifier: AccessTokenVerifier;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default'] });
  server = org.server('default');
  // Everything a refusal's challenge may say beside the error: realm, scope, metadata URL, DPoP.
  verifier = createAccessTokenVerifier({
    issuer: server.issuer,
    resource: 'https://api.example/orders',
    realm: 'orders',
    dpop: { mode: 'allowed', origins: ['https://api.example'] },
  });
});
afterAll(() => org.close());

const requirements = validateAuthRequirements({ scopes: ['orders:read'] }, 'test');
const OVER_CAP = `padding=${'x'.repeat(70 * 1024)}&access_token=abc`;
const post = (body: string, headers: Record<string, string> = {}) =>
  new Request('https://api.example/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });

async function refusalOf(outcome: Promise<unknown>): Promise<TokenwardError> {
  const error = await outcome.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (error instanceof TokenwardError) return error;
  throw new Error(`expected a TokenwardError; found ${String(error)}`);
}

/** The challenge without its error_description, which says why each refusal was made. */
const challengeOf = (headers: { get(name: string): string | null }) =>
  headers.get('www-authenticate')?.replace(/ error_description="[^"]*",/, '');

describe('authenticateFetchRequest: the request step for a Fetch Request', () => {
  it('BT-4: reads a body token from a clone, leaving the request its very bytes', async () => {
    const token = await server.mintAccessToken({ sub: 'alice', aud: 'https://api.example/orders' });
    const sent = `access_token=${token}&note=hi%20there&plus=a+b`;
    const request = post(sent);
    const outcome = await authenticateFetchRequest(verifier, request, undefined, { allowBody: true });
    expect(outcome).toMatchObject({ kind: 'authenticated', auth: { subject: 'alice' } });
    expect(request.bodyUsed).toBe(false);
    expect(await request.text()).toBe(sent);
  });

  const MOVE_TOKEN = '(send the token in the Authorization header)';
  const MULTIPART = '(with the token in the Authorization header, send a larger form as multipart/form-data)';
  it.each([
    ['a body token (allowBody)', { allowBody: true }, {}, MOVE_TOKEN],
    ['a form beside a header token', {}, { authorization: 'Bearer abc' }, MULTIPART],
    [
      'a form beside a header token (allowBody)',
      { allowBody: true },
      { authorization: 'Bearer abc' },
      MULTIPART,
    ],
  ] as const)(
    'PR-6, PR-7, DP-4: a form over 64 KiB for %s is refused with the route, resource and schemes of every other refusal',
    async (_, options, headers, advice) => {
      const over = await refusalOf(
        authenticateFetchRequest(verifier, post(OVER_CAP, headers), requirements, options),
      );
      // Another refusal of the request step: the token sent twice, in the header and the form.
      const twice = await refusalOf(
        authenticateRequest(
          verifier,
          {
            method: 'POST',
            url: '/orders',
            headers: { authorization: 'Bearer abc', 'content-type': 'application/x-www-form-urlencoded' },
            form: 'access_token=abc',
          },
          requirements,
          options,
        ),
      );
      expect(over).toMatchObject({ code: 'ERR_INVALID_REQUEST', status: 400, realm: 'orders' });
      expect(over.requiredScopes).toEqual(['orders:read']);
      expect(over.resourceMetadata).toBe(METADATA);
      expect(over.challenges).toEqual(twice.challenges);
      expect(challengeOf(new Headers(over.headers))).toBe(challengeOf(new Headers(twice.headers)));
      expect(over.message).toBe(
        `expected a form body of at most 65536 bytes to read access_token from; found more ${advice}`,
      );
    },
  );

  it('BT-4, BT-6, DP-4: withAuth answers a form over 64 KiB with 400 in the challenge of every other refusal', async () => {
    const handler = withAuth(
      verifier,
      () => new Response('never'),
      { scopes: ['orders:read'] },
      { allowBody: true },
    );
    const over = await handler(post(OVER_CAP));
    const twice = await handler(post('access_token=abc', { authorization: 'Bearer abc' }));
    expect(over.status).toBe(400);
    expect(twice.status).toBe(400);
    expect(challengeOf(over.headers)).toBe(challengeOf(twice.headers));
    expect(challengeOf(over.headers)).toMatch(
      /^Bearer realm="orders", error="invalid_request", DPoP realm="orders", algs="[^"]+"$/,
    );
    const text = await over.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'ERR_INVALID_REQUEST', error: 'invalid_request' });
    expect(text).not.toContain('xxxx');
  });
});
