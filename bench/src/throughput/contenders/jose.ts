import { createLocalJWKSet, jwtVerify } from 'jose';
import { type ContenderDefinition, perToken } from '../contender.js';

export const jose: ContenderDefinition = {
  name: 'jose',
  packageName: 'jose',
  howCalled:
    '`jwtVerify` with `createLocalJWKSet` over the published JWKS (no network), issuer, audience, algorithms',
  algs: ['RS256', 'ES256'],
  checksClaims: true,
  async create(target) {
    const keySet = createLocalJWKSet(target.jwks);
    const options = { issuer: target.issuer, audience: target.audience, algorithms: [target.alg] };
    return perToken((token) => jwtVerify(token, keySet, options));
  },
};
