import { validateAuthRequirements } from '@tokenward/core';
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { createAuthenticate, createRequireAuth, createRouteHook } from './hooks.js';
import { resolveSettings, type TokenwardOptions } from './options.js';
import type { RouteAuthConfig } from './types.js';

async function tokenward(fastify: FastifyInstance, options: TokenwardOptions): Promise<void> {
  const settings = resolveSettings(options);
  const authenticate = createAuthenticate(settings);

  // fastify-plugin makes these decorations visible in the registering context and its
  // children; nothing above the registering context sees them.
  fastify.decorateRequest('auth', null);
  fastify.decorate('tokenward', { verifier: settings.verifier });
  fastify.decorate('requireAuth', (requirements: RouteAuthConfig = {}) =>
    createRequireAuth(authenticate, validateAuthRequirements(requirements, 'requireAuth')),
  );

  fastify.addHook('onRoute', (route) => {
    const routeAuth = route.config?.auth;
    if (routeAuth !== undefined && routeAuth !== false) {
      // Checked where the route is declared, so a typo fails at start-up, not as a 500 per request.
      validateAuthRequirements(routeAuth, `config.auth of ${String(route.method)} ${route.url}`);
    }
  });
  // Added to the registering context only, so `global` protects that context and its children,
  // never siblings or parents. A body token is only visible once the body is parsed.
  fastify.addHook(
    settings.extraction.allowBody ? 'preValidation' : 'onRequest',
    createRouteHook(authenticate, settings.global),
  );
}

/**
 * Bearer-token authentication for Fastify 5: `request.auth`, `fastify.requireAuth()`, route
 * `config.auth`, and RFC 6750 errors through Fastify's error handling.
 */
export default fastifyPlugin(tokenward, { fastify: '5.x', name: '@tokenward/fastify' });
