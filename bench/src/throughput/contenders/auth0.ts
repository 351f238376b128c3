import { auth } from 'express-oauth2-jwt-bearer';
import type { ContenderDefinition } from '../contender.js';

type Next = (error?: unknown) => void;
type Middleware = (request: object, response: object, next: Next) => unknown;

/**
 * express-oauth2-jwt-bearer exports no verifier of its own — `jwtVerifier` is internal to its
 * bundle — so it is called the only public way, as its middleware, with the smallest request
 * object it reads. That bills it for header parsing and URL normalisation; the bench accepts
 * the small handicap rather than reach into the bundle.
 */
export const auth0: ContenderDefinition = {
  name: 'express-oauth2-jwt-bearer',
  packageName: 'express-oauth2-jwt-bearer',
  howCalled:
    '`auth({ issuerBaseURL, audience, tokenSigningAlg })` middleware called with a minimal request object (discovery + JWKS over loopback once)',
  algs: ['RS256', 'ES256'],
  checksClaims: true,
  async create(target) {
    const middleware = auth({
      issuerBaseURL: target.issuer,
      audience: target.audience,
      tokenSigningAlg: target.alg,
    }) as unknown as Middleware;
    const response = {};
    return {
      bind(tokens) {
        const authorizations = tokens.map((token) => `Bearer ${token}`);
        return (index) =>
          new Promise((resolve, reject) => {
            const headers = { authorization: authorizations[index]!, host: '127.0.0.1' };
            const request = {
              headers,
              query: {},
              body: undefined,
              method: 'GET',
              protocol: 'http',
              url: '/orders',
              originalUrl: '/orders',
              is: () => false,
              get: (name: string) => (name.toLowerCase() === 'host' ? headers.host : undefined),
              auth: undefined as unknown,
            };
            void middleware(request, response, (error) => (error ? reject(error) : resolve(request.auth)));
          });
      },
    };
  },
};
