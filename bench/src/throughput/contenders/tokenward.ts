import { createAccessTokenVerifier } from '@tokenward/core';
import type { VerifierTarget } from '../../lib/fixture.js';
import { type ContenderDefinition, perToken } from '../contender.js';

const CREATED =
  '`createAccessTokenVerifier({ issuer, audience, algorithms })` from the Node entry (discovery + JWKS over loopback once)';

function tokenward(
  name: string,
  resultCache: 'default' | false,
  call: 'verify' | 'verifySync',
  how: string,
): ContenderDefinition {
  return {
    name,
    packageName: '@tokenward/core',
    howCalled: `${CREATED}, ${how}`,
    algs: ['RS256', 'ES256'],
    checksClaims: true,
    async create(target: VerifierTarget) {
      const verifier = createAccessTokenVerifier({
        issuer: target.issuer,
        audience: target.audience,
        algorithms: [target.alg],
        ...(resultCache === false ? { resultCache: false as const } : {}),
      });
      await verifier.warm();
      return perToken(
        call === 'verify' ? (token) => verifier.verify(token) : (token) => verifier.verifySync(token),
      );
    },
  };
}

/** The defaults: the verified-result cache on (10,000 tokens), `await verify(token)`. */
export const tokenwardDefaults = tokenward(
  'tokenward',
  'default',
  'verify',
  'default options (verified-result cache of 10,000 tokens), `await verify(token)`',
);

/** Every call verifies: what the distinct-token targets compare. */
export const tokenwardUncached = tokenward(
  'tokenward (no cache)',
  false,
  'verify',
  '`resultCache: false`, `await verify(token)`',
);

/** The synchronous call for warm keys. */
export const tokenwardSync = tokenward(
  'tokenward (verifySync, no cache)',
  false,
  'verifySync',
  '`resultCache: false`, `verifySync(token)` after `warm()`',
);
