import { createVerifier } from 'fast-jwt';
import type { Alg, VerifierTarget } from '../../lib/fixture.js';
import { type ContenderDefinition, perToken } from '../contender.js';

function fastJwt(name: string, cache: boolean): ContenderDefinition {
  return {
    name,
    packageName: 'fast-jwt',
    howCalled: `\`createVerifier\` with the PEM public key, \`allowedIss\`, \`allowedAud\`, algorithms, \`cache: ${cache}\`${cache ? ' (default size 1,000)' : ''}`,
    algs: ['RS256', 'ES256'] satisfies Alg[],
    checksClaims: true,
    async create(target: VerifierTarget) {
      const verify = createVerifier({
        key: target.publicKeyPem,
        algorithms: [target.alg],
        allowedIss: target.issuer,
        allowedAud: target.audience,
        cache,
      });
      return perToken((token) => verify(token));
    },
  };
}

export const fastJwtCached = fastJwt('fast-jwt (cache)', true);
export const fastJwtUncached = fastJwt('fast-jwt (no cache)', false);
