/**
 * An independent DPoP client end to end: oauth4webapi (which the project did not write) gets
 * DPoP-bound tokens from the reference issuer's token endpoint and calls an Express and a Fastify
 * API that require DPoP, retrying on `use_dpop_nonce` as RFC 9449 section 9 describes.
 */
import { request as httpRequest } from 'node:http';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORKS, type RunningApi, startApi } from './apis.js';

const NONCE_KEY = 'kkkkkkkk-a-nonce-secret-of-at-least-32-chars';
const insecure = { [oauth.allowInsecureRequests]: true } as const;

let issuer: ReferenceIssuer;
let as: oauth.AuthorizationServer;
const client: oauth.Client = { client_id: 'test-client' };
const clientAuth = oauth.ClientSecretBasic('test-secret');

beforeAll(async () => {
  // The issuer's token endpoint also demands a DPoP nonce: oauth4webapi must retry there too.
  issuer = await startIssuer({ port: 0, servers: ['default'], dpopNonce: true });
  const issuerUrl = new URL(issuer.server('default').issuer);
  as = await oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, insecure));
});

afterAll(async () => {
  await issuer?.close();
});

/** Runs `request`, and once more when the server asked for a (new) DPoP nonce. */
async function withNonceRetry<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) throw error;
    return request();
  }
}

async function boundToken(dpop: oauth.DPoPHandle): Promise<oauth.TokenEndpointResponse> {
  return withNonceRetry(async () => {
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      clientAuth,
      new URLSearchParams({ scope: 'orders:read' }),
      { DPoP: dpop, ...insecure },
    );
    return oauth.processClientCredentialsResponse(as, client, response);
  });
}

/**
 * A fetch for oauth4webapi's `customFetch` that sends its request, headers and proof as made, on
 * the request line `target` instead: a target `fetch` itself would rewrite (`\` into `/`), as
 * someone holding the proof could send it.
 */
function onRequestLine(origin: string, target: string) {
  return (_url: string, init: oauth.CustomFetchOptions<string, unknown>): Promise<Response> =>
    new Promise((resolve, reject) => {
      const headers = Object.fromEntries(new Headers(init.headers));
      const { hostname, port } = new URL(origin);
      // The target as the path option, not in a URL string, which node:http would parse as WHATWG does.
      const outgoing = httpRequest(
        { hostname, port, path: target, method: init.method, headers },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () => {
            const answer = new Headers();
            for (const [name, value] of Object.entries(incoming.headers)) answer.set(name, String(value));
            resolve(new Response(Buffer.concat(chunks), { status: incoming.statusCode!, headers: answer }));
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
}

describe.each(FRAMEWORKS)(
  'oauth4webapi calling a %s API that requires DPoP (RFC 9449 section 7)',
  (framework) => {
    let api: RunningApi;
    let noncedApi: RunningApi;

    beforeAll(async () => {
      const base = { issuer: issuer.server('default').issuer, audience: 'api://default' };
      api = await startApi(framework, { ...base, dpop: { mode: 'required' } });
      noncedApi = await startApi(framework, { ...base, dpop: { mode: 'required', nonceKeys: [NONCE_KEY] } });
    });

    afterAll(async () => {
      await api?.close();
      await noncedApi?.close();
    });

    it('gets a DPoP-bound token and is served with it, one fresh proof per request (DP-2, DP-3, DP-4)', async () => {
      const keyPair = await oauth.generateKeyPair('ES256');
      const dpop = oauth.DPoP(client, keyPair);
      const tokens = await boundToken(dpop);
      expect(tokens.token_type).toBe('dpop');
      for (const method of ['GET', 'POST', 'GET']) {
        const response = await oauth.protectedResourceRequest(
          tokens.access_token,
          method,
          new URL(`${api.origin}/orders`),
          new Headers({ 'content-type': 'application/json' }),
          method === 'POST' ? '{}' : undefined,
          { DPoP: dpop, ...insecure },
        );
        expect(response.status).toBe(method === 'POST' ? 201 : 200);
        const body = (await response.json()) as { subject: string; thumbprint?: string };
        expect(body.subject).toBe('test-client');
        if (method === 'GET') expect(body.thumbprint).toBe(await dpop.calculateThumbprint());
      }
    });

    it('retries on use_dpop_nonce with the DPoP-Nonce the API sent, then is served (DP-6)', async () => {
      const dpop = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
      const tokens = await boundToken(dpop);
      const call = () =>
        oauth.protectedResourceRequest(
          tokens.access_token,
          'GET',
          new URL(`${noncedApi.origin}/orders`),
          undefined,
          undefined,
          {
            DPoP: dpop,
            ...insecure,
          },
        );
      let challenged = false;
      const response = await withNonceRetry(async () => {
        try {
          return await call();
        } catch (error) {
          challenged ||= oauth.isDPoPNonceError(error);
          throw error;
        }
      });
      expect(challenged).toBe(true);
      expect(response.status).toBe(200);
      // The handle keeps the nonce: the next request needs no retry.
      expect((await call()).status).toBe(200);
    });

    it('DP-2: its proof for /orders/a/b is refused on the request line /orders/a\\b, which WHATWG URL reads as that path (RFC 9449 section 4.3 check 9)', async () => {
      const dpop = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
      const tokens = await boundToken(dpop);
      const call = (path: string, target?: string) =>
        oauth
          .protectedResourceRequest(
            tokens.access_token,
            'GET',
            new URL(`${api.origin}${path}`),
            undefined,
            undefined,
            {
              DPoP: dpop,
              ...insecure,
              ...(target === undefined ? {} : { [oauth.customFetch]: onRequestLine(api.origin, target) }),
            },
          )
          .then(
            (response) => response,
            (error: unknown) => error as oauth.WWWAuthenticateChallengeError,
          );
      // The app routes "/orders/a\b" to the order "a\b"; the proof names another resource.
      const failure = (await call('/orders/a/b', '/orders/a\\b')) as oauth.WWWAuthenticateChallengeError;
      expect(failure.status).toBe(401);
      expect(failure.cause[0]).toMatchObject({ scheme: 'dpop', parameters: { error: 'invalid_dpop_proof' } });
      expect(((await failure.response.json()) as { error_description: string }).error_description).toContain(
        'this request\'s target "/orders/a\\\\b" is not an RFC 3986 path: U+005C at index 9',
      );
      // The order "a\b" itself, its "\" percent-encoded in the proof and on the request line alike.
      const served = (await call('/orders/a%5Cb')) as Response;
      expect(served.status).toBe(200);
      expect(await served.json()).toEqual({ subject: 'test-client', id: 'a\\b' });
    });

    it('a token bound to another key is refused: the proof key is not cnf.jkt (DP-3)', async () => {
      const owner = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
      const thief = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
      const tokens = await boundToken(owner);
      const failure = await oauth
        .protectedResourceRequest(
          tokens.access_token,
          'GET',
          new URL(`${api.origin}/orders`),
          undefined,
          undefined,
          {
            DPoP: thief,
            ...insecure,
          },
        )
        .then(
          () => undefined,
          (error: unknown) => error as oauth.WWWAuthenticateChallengeError,
        );
      expect(failure?.status).toBe(401);
      expect(failure?.cause[0]).toMatchObject({ scheme: 'dpop', parameters: { error: 'invalid_token' } });
    });
  },
);
