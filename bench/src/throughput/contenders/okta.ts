import OktaJwtVerifier from '@okta/jwt-verifier';
import { type ContenderDefinition, perToken } from '../contender.js';

/**
 * Okta's verifier refuses `http://` issuers unless `testing.disableHttpsCheck` is set; the
 * reference issuer is plain HTTP on loopback, so the bench sets it (it changes nothing but that
 * construction check). It signs nothing but RS256 (njwt's `setSigningAlgorithm('RS256')`), so it
 * has no ES256 cells. Keys come from the issuer's JWKS over loopback HTTP once, then its cache.
 */
export const okta: ContenderDefinition = {
  name: '@okta/jwt-verifier',
  packageName: '@okta/jwt-verifier',
  howCalled:
    '`new OktaJwtVerifier({ issuer, jwksUri, testing: { disableHttpsCheck: true } })`, `verifyAccessToken(token, audience)`; RS256 only',
  algs: ['RS256'],
  checksClaims: true,
  async create(target) {
    const warn = console.warn;
    // Its constructor warns on every instance that the HTTPS check is off; the README says why.
    console.warn = () => {};
    try {
      const verifier = new OktaJwtVerifier({
        issuer: target.issuer,
        jwksUri: target.jwksUri,
        testing: { disableHttpsCheck: true },
      });
      return perToken((token) => verifier.verifyAccessToken(token, target.audience));
    } finally {
      console.warn = warn;
    }
  },
};
