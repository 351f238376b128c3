import {
  type AccessTokenResult,
  createAccessTokenVerifier,
  protectedResourceMetadataEndpoint,
  resourceMetadataResponse,
  withAuth,
  withOptionalAuth,
} from '@tokenward/core';
import { type AdapterHarness, RESOURCE_METADATA, STEP_UP } from '../harness.js';
import { serveFetch } from '../serve-fetch.js';

const subject = (_request: Request, auth: AccessTokenResult) => Response.json({ subject: auth.subject });
const subjectAndScopes = (_request: Request, auth: AccessTokenResult) =>
  Response.json({ subject: auth.subject, scopes: auth.scopes });

export const fetchHarness: AdapterHarness = {
  name: 'fetch',
  async start({ realm, main, outage, resource, dpop, introspection }) {
    const verifier = createAccessTokenVerifier({ ...main, realm });
    const mcp = createAccessTokenVerifier({ ...resource, realm });
    const metadata = protectedResourceMetadataEndpoint(mcp, RESOURCE_METADATA);
    const orders = withAuth(verifier, subject, { scopes: ['orders:read'] });
    const routes: Record<string, (request: Request) => Promise<Response>> = {
      'GET /orders': orders,
      'OPTIONS /orders': orders,
      'POST /orders': orders,
      'GET /gold': withAuth(verifier, subject, { claims: { tier: 'gold' } }),
      'GET /strong': withAuth(verifier, subject, STEP_UP),
      'GET /outage': withAuth(createAccessTokenVerifier({ ...outage, realm }), subject),
      'GET /mcp': withAuth(mcp, subject, { scopes: ['mcp:tools'] }),
      'GET /dpop': withAuth(createAccessTokenVerifier({ ...dpop.allowed, realm }), subject, {
        scopes: ['orders:read'],
      }),
      'GET /dpop-nonce': withAuth(createAccessTokenVerifier({ ...dpop.nonced, realm }), subject),
      'GET /dpop-nonce-next': withAuth(createAccessTokenVerifier({ ...dpop.noncedNextStep, realm }), subject),
      'GET /dpop-outage': withAuth(createAccessTokenVerifier({ ...dpop.outage, realm }), subject),
      'GET /introspected': withAuth(
        createAccessTokenVerifier({ ...introspection.fallback, realm }),
        subjectAndScopes,
        { scopes: ['orders:read'] },
      ),
      'GET /introspected-always': withAuth(
        createAccessTokenVerifier({ ...introspection.always, realm }),
        subjectAndScopes,
        { scopes: ['orders:read'] },
      ),
      'GET /introspected-strong': withAuth(
        createAccessTokenVerifier({ ...introspection.always, realm }),
        subjectAndScopes,
        STEP_UP,
      ),
      'GET /introspected-outage': withAuth(
        createAccessTokenVerifier({ ...introspection.outage, realm }),
        subjectAndScopes,
      ),
      'GET /maybe': withOptionalAuth(verifier, (_request, auth) =>
        Response.json({ subject: auth?.subject ?? 'anonymous' }),
      ),
    };
    return serveFetch((request) => {
      const published = resourceMetadataResponse(metadata, request);
      if (published !== undefined) return Promise.resolve(published);
      const route = routes[`${request.method} ${new URL(request.url).pathname}`];
      return route === undefined ? Promise.resolve(new Response(null, { status: 404 })) : route(request);
    });
  },
};
