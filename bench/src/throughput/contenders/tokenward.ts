import { createAccessTokenVerifier } from '@tokenward/core';
import { type ContenderDefinition, perToken } from '../contender.js';

export const tokenward: ContenderDefinition = {
  name: 'tokenward',
  packageName: '@tokenward/core',
  howCalled:
    '`createAccessTokenVerifier({ issuer, audience, algorithms })` from the Node entry with default caches (discovery + JWKS over loopback once), `verify(token)`',
  algs: ['RS256', 'ES256'],
  checksClaims: true,
  async create(target) {
    const verifier = createAccessTokenVerifier({
      issuer: target.issuer,
      audience: target.audience,
      algorithms: [target.alg],
    });
    return perToken((token) => verifier.verify(token));
  },
};
