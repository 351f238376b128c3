import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccessTokenVerifier, protectedResourceMetadataEndpoint } from '@tokenward/core';
import { startGateway } from '@tokenward/gateway';
import { startCaddy } from '../../../packages/gateway/test/support/proxies.js';
import {
  type AdapterHarness,
  type IntrospectionTrust,
  RESOURCE_METADATA,
  type ResourceTrustSettings,
  STEP_UP,
} from '../harness.js';

/**
 * The API behind the gateway, with no auth code of its own: it answers with the subject the
 * gateway vouched for (Caddy copies `X-Auth-Subject` onto the request), and answers CORS
 * preflights as an API's CORS layer does, since the gateway lets them through without credentials.
 * It publishes the resource's metadata itself (a public route of the policy), from core. The
 * introspected routes also answer the scopes the gateway vouched for (`X-Auth-Scopes`).
 */
async function startApi(resource: ResourceTrustSettings) {
  const metadata = protectedResourceMetadataEndpoint(createAccessTokenVerifier(resource), RESOURCE_METADATA);
  const server = createServer((request, response) => {
    request.resume();
    const published =
      new URL(request.url ?? '/', 'http://api').pathname === metadata.path
        ? metadata.answer(request.method ?? 'GET')
        : undefined;
    if (published !== undefined) {
      response.writeHead(published.status, published.headers).end(published.body);
      return;
    }
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      response.writeHead(204).end();
      return;
    }
    const { 'x-auth-subject': subject, 'x-auth-scopes': scopes = '' } = request.headers;
    const introspected = request.url?.startsWith('/introspected') === true;
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(
      JSON.stringify(
        introspected ? { subject, scopes: String(scopes).split(' ').filter(Boolean) } : { subject },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

/** `@tokenward/gateway` behind real Caddy (`forward_auth`, the README recipe): the policy is the suite's API. */
export const gatewayHarness: AdapterHarness = {
  name: 'gateway',
  // A policy rule takes a token or none (`auth: 'none'`), and one clock serves every issuer.
  lacks: ['optional-credentials', 'clock-per-route', 'form-body'],
  async start({ realm, main, outage, resource, dpop, introspection }) {
    const dir = mkdtempSync(join(tmpdir(), 'tokenward-conformance-gateway-'));
    const api = await startApi(resource);
    const gateway = await startGateway({
      port: 0,
      clock: main.clock,
      policy: {
        realm,
        issuers: {
          main: { issuer: main.issuer, audience: main.audience },
          outage: { issuer: outage.issuer, audience: outage.audience },
          mcp: { issuer: resource.issuer, resource: resource.resource },
          // DPoP: the policy's origins, never the Host the client sent (see the gateway README).
          dpopAllowed: { issuer: main.issuer, audience: main.audience, dpop: dpop.allowed.dpop },
          dpopNonced: { issuer: main.issuer, audience: main.audience, dpop: dpop.nonced.dpop },
          dpopOutage: { issuer: main.issuer, audience: main.audience, dpop: dpop.outage.dpop },
          // Introspection is a verifier option like any other: the policy holds it as it is.
          introspected: withoutClock(introspection.fallback),
          introspectedAlways: withoutClock(introspection.always),
          introspectedOutage: withoutClock(introspection.outage),
        },
        routes: [
          {
            match: { path: '/orders', methods: ['GET', 'OPTIONS'] },
            issuer: 'main',
            scopes: ['orders:read'],
          },
          { match: { path: '/gold', methods: ['GET'] }, issuer: 'main', claims: { tier: 'gold' } },
          { match: { path: '/outage', methods: ['GET'] }, issuer: 'outage' },
          { match: { path: '/strong', methods: ['GET'] }, issuer: 'main', stepUp: STEP_UP },
          { match: { path: '/mcp', methods: ['GET'] }, issuer: 'mcp', scopes: ['mcp:tools'] },
          { match: { path: '/.well-known/oauth-protected-resource/mcp' }, auth: 'none' },
          { match: { path: '/dpop', methods: ['GET'] }, issuer: 'dpopAllowed', scopes: ['orders:read'] },
          { match: { path: '/dpop-nonce', methods: ['GET'] }, issuer: 'dpopNonced' },
          { match: { path: '/dpop-outage', methods: ['GET'] }, issuer: 'dpopOutage' },
          {
            match: { path: '/introspected', methods: ['GET'] },
            issuer: 'introspected',
            scopes: ['orders:read'],
          },
          {
            match: { path: '/introspected-always', methods: ['GET'] },
            issuer: 'introspectedAlways',
            scopes: ['orders:read'],
          },
          {
            match: { path: '/introspected-strong', methods: ['GET'] },
            issuer: 'introspectedAlways',
            stepUp: STEP_UP,
          },
          { match: { path: '/introspected-outage', methods: ['GET'] }, issuer: 'introspectedOutage' },
        ],
      },
    });
    const caddy = await startCaddy(dir, { gateway: gateway.port, upstream: api.port });
    return {
      url: `http://127.0.0.1:${caddy.port}`,
      async close() {
        await caddy.close();
        await gateway.close();
        api.server.closeAllConnections();
        await new Promise((resolve) => api.server.close(resolve));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** A route's trust as a policy holds it: the gateway sets the one clock itself. */
function withoutClock({ clock: _clock, ...trust }: IntrospectionTrust): Omit<IntrospectionTrust, 'clock'> {
  return trust;
}
