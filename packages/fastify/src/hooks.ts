import {
  type AdapterAuthSetup,
  type AuthRequirements,
  authenticateRequestNow,
  checkAuthRequirements,
  isTokenwardError,
  needsFormBody,
  type RequestAuthentication,
  type TokenwardError,
  validateAuthRequirements,
} from '@tokenward/core';
import type { FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import type { TokenwardAuth } from './types.js';

// Checked once, so the verifier takes it as it is on every request of a global plugin.
const NO_REQUIREMENTS: AuthRequirements = validateAuthRequirements({}, 'config.auth');
// The errors this plugin raised, for the onSend hook that gives their answers core's body.
const raised = new WeakMap<FastifyRequest, TokenwardError>();

/**
 * Authenticates one request against `requirements`, setting `request.auth`: no promise for a request
 * decided at once, one when it has to wait (keys to fetch). Errors are not sent: Fastify's error path
 * (a custom error handler, onError hooks, the default handler applying `statusCode` and `headers`) does.
 */
export function createAuthenticate({ verifier, options, challenge }: AdapterAuthSetup) {
  const admit = (request: FastifyRequest, reply: FastifyReply, outcome?: RequestAuthentication) => {
    if (outcome?.kind === 'authenticated') {
      request.auth = outcome.auth as TokenwardAuth;
      reply.headers(outcome.responseHeaders); // a fresh DPoP-Nonce, when the client's is about to expire
    } else if (outcome?.kind === 'preflight' && options.corsPreflight !== 'pass') reply.code(204).send();
  };
  const fail = (request: FastifyRequest, error: unknown): Promise<never> => {
    if (isTokenwardError(error)) raised.set(request, error);
    return Promise.reject(error);
  };
  return function authenticate(request: FastifyRequest, reply: FastifyReply, requirements: AuthRequirements) {
    let outcome: RequestAuthentication | Promise<RequestAuthentication> | undefined;
    try {
      // Verified earlier in this request (global hook, then requireAuth): check the route's requirements.
      if (request.auth) checkAuthRequirements(request.auth, requirements, challenge);
      else {
        // Raw lines show core a repeated `Authorization` Node folds away; core reads the peer only for DPoP.
        const { method, url, headers, query, body: form, raw } = request;
        const remoteAddress = verifier.dpop === undefined ? undefined : raw.socket.remoteAddress;
        const input = { method, url, headers, rawHeaders: raw.rawHeaders, query, form, remoteAddress };
        outcome = authenticateRequestNow(verifier, input, requirements, options);
      }
    } catch (error) {
      return fail(request, error);
    }
    if (!(outcome instanceof Promise)) return admit(request, reply, outcome);
    return outcome.then(
      (ready) => admit(request, reply, ready),
      (error) => fail(request, error),
    );
  };
}

/**
 * A hook of the registering context: enforces `config.auth` (`'optional'` as `optionalAuth()`; with `global`,
 * every route but `false`). A form POST whose body core must see (RFC 6750 section 2) waits for the
 * `preValidation` hook (`bodyParsed`); `onRequest` decides the rest, through `done` when decided at once.
 */
export function createRouteHook(required: Authenticate, optional: Authenticate, stage: HookStage) {
  return function tokenwardRouteAuth(request: FastifyRequest, reply: FastifyReply, done: () => void) {
    const routeAuth = request.routeOptions.config.auth;
    if (routeAuth === false || (routeAuth === undefined && !stage.global)) return done();
    if (needsFormBody(request, stage.options) !== stage.bodyParsed) return done();
    if (routeAuth === 'optional') return optional(request, reply, NO_REQUIREMENTS) ?? done();
    return required(request, reply, routeAuth ?? NO_REQUIREMENTS) ?? done();
  };
}

type Authenticate = ReturnType<typeof createAuthenticate>;
type HookStage = { global: boolean; bodyParsed: boolean; options: AdapterAuthSetup['options'] };

/**
 * Gives the answers to errors this plugin raised core's JSON body (`{ error, error_description,
 * code }`, beside Fastify's `statusCode` and `message`) when Fastify's default error handler
 * rendered them as `{ statusCode, code, error: <reason phrase>, message }`; a custom error
 * handler's own body is left alone. 5xx bodies show no internals.
 */
export const errorBodyHook: onSendHookHandler = (request, reply, payload, done) => {
  const error = raised.get(request);
  if (error !== undefined && typeof payload === 'string' && payload.startsWith('{"statusCode":')) {
    const rendered = JSON.parse(payload) as { code?: unknown; message?: unknown };
    if (rendered.code === error.code && rendered.message === error.message) {
      const answer = { statusCode: reply.statusCode, ...error.body, message: error.body.error_description };
      return done(null, JSON.stringify(answer));
    }
  }
  done(null, payload);
};
