import {
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type AuthenticateRequestOptions,
  type AuthRequirements,
  createAccessTokenVerifier,
  setUpAdapterAuth,
  TokenwardError,
  validateAuthRequirements,
} from '@tokenward/core';
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { createAuthenticate, createRouteHook, errorBodyHook } from './hooks.js';
import type { AuthHook } from './types.js';

const GUARDED = Symbol.for('tokenward.fastify.guarded');
const SETTLED: Promise<void> = Promise.resolve();
const WHERE = '@tokenward/fastify';

/** Options of the Fastify adapter itself, next to the verifier's. */
export interface AdapterOptions extends Omit<AuthenticateRequestOptions, 'credentials'> {
  /**
   * Authenticate every route of the registering context and its children but those with
   * `config: { auth: false }`. Default `false`: only routes with `config.auth` or a `requireAuth()`
   * or `optionalAuth()` hook. A form POST core must read the body of is decided at `preValidation`.
   */
  global?: boolean;
}

type KeysOfUnion<Union> = Union extends unknown ? keyof Union : never;
type VerifierOptionKey = Exclude<KeysOfUnion<AccessTokenVerifierOptions>, keyof AdapterOptions>;

/**
 * Plugin options: the verifier options of `@tokenward/core` (`issuer`, `audience`, ...) or a
 * `verifier` you created (and may share), never both; plus the {@link AdapterOptions}.
 */
export type TokenwardOptions = AdapterOptions &
  (
    | (AccessTokenVerifierOptions & { verifier?: never })
    | ({ verifier: AccessTokenVerifier } & { [Key in VerifierOptionKey]?: never })
  );

async function tokenward(fastify: FastifyInstance, pluginOptions: TokenwardOptions): Promise<void> {
  const { global = false, verifier: given, ...rest } = pluginOptions;
  if (typeof global !== 'boolean') throw configError(`\`global\` must be a boolean; found ${typeof global}`);
  if (given !== undefined && typeof (given as Partial<AccessTokenVerifier> | null)?.verify !== 'function') {
    throw configError('`verifier` must come from createAccessTokenVerifier()');
  }
  // Checked once, here, as in every adapter: a bad option throws `ERR_CONFIG` naming it from `register`.
  const source = given ?? (rest as AccessTokenVerifierOptions);
  const setup = setUpAdapterAuth(source, given && rest, WHERE, 'required', createAccessTokenVerifier);
  if (setup.requirements) throw configError('give requirements per route (`config.auth`, `requireAuth()`)');
  const required = createAuthenticate(setup);
  const optional = createAuthenticate({ ...setup, options: { ...setup.options, credentials: 'optional' } });
  // fastify-plugin makes these visible in the registering context and its children only.
  fastify.decorateRequest('auth', null);
  fastify.decorate('tokenward', { verifier: setup.verifier });
  for (const name of ['requireAuth', 'optionalAuth'] as const) {
    const authenticateAs = name === 'requireAuth' ? required : optional;
    fastify.decorate(name, (requirements: AuthRequirements = {}): AuthHook => {
      const checked = validateAuthRequirements(requirements, name);
      // Fastify passes `done`: a request decided at once goes on through it, without a promise.
      return ((request, reply, done?: () => void) =>
        authenticateAs(request, reply, checked) ?? (done === undefined ? SETTLED : done())) as AuthHook;
    });
  }
  // Checked where the route is declared (a typo fails at start-up); the route keeps the frozen copy.
  fastify.addHook('onRoute', (route) => {
    const auth = route.config?.auth;
    const where = `config.auth of ${String(route.method)} ${route.url}`;
    if (auth && auth !== 'optional')
      route.config = { ...route.config, auth: validateAuthRequirements(auth, where) };
  });
  guardRoot(fastify);
  // On the registering context only: `global` protects it and its children, never siblings or parents.
  const stage = { global, options: setup.options };
  fastify.addHook('onRequest', createRouteHook(required, optional, { ...stage, bodyParsed: false }));
  fastify.addHook('preValidation', createRouteHook(required, optional, { ...stage, bodyParsed: true }));
  fastify.addHook('onSend', errorBodyHook);
}

function configError(message: string): TokenwardError {
  return new TokenwardError('ERR_CONFIG', `tokenward: ${WHERE}: ${message}`);
}

/**
 * `config.auth` on a route where this plugin does not run would look protected and be public: in
 * any context created after the plugin's registration, that is a start-up error. The check sits
 * on the root instance (Fastify derives each context from its parent with `Object.create`), whose
 * hooks every later context inherits.
 */
function guardRoot(fastify: FastifyInstance): void {
  let root = fastify;
  while (!Object.hasOwn(root, 'addHook')) root = Object.getPrototypeOf(root) as FastifyInstance;
  if (root === fastify || Object.hasOwn(root, GUARDED)) return;
  Object.defineProperty(root, GUARDED, { value: true });
  root.addHook('onRoute', function refuseUnenforcedAuth(this: FastifyInstance, route) {
    if (!route.config?.auth || this.hasDecorator('tokenward')) return;
    throw new TokenwardError(
      'ERR_CONFIG',
      `tokenward: config.auth of ${String(route.method)} ${route.url} is declared outside the context @tokenward/fastify is registered in, so nothing would enforce it; register the route inside that context`,
    );
  });
}

/**
 * Bearer-token authentication for Fastify 5: `request.auth`, `fastify.requireAuth()`, route
 * `config.auth`, and RFC 6750 errors through Fastify's error handling.
 */
export default fastifyPlugin(tokenward, { fastify: '5.x', name: '@tokenward/fastify' });
