import { JwtVerifier } from 'aws-jwt-verify';
import { assertIsJwks } from 'aws-jwt-verify/jwk';
import type { Json } from 'aws-jwt-verify/safe-json-parse';
import { type ContenderDefinition, perToken } from '../contender.js';

export const awsJwtVerify: ContenderDefinition = {
  name: 'aws-jwt-verify',
  packageName: 'aws-jwt-verify',
  howCalled:
    '`JwtVerifier.create({ issuer, audience, jwksUri })` with `cacheJwks(jwks)`, then async `verify`',
  algs: ['RS256', 'ES256'],
  checksClaims: true,
  async create(target) {
    const verifier = JwtVerifier.create({
      issuer: target.issuer,
      audience: target.audience,
      jwksUri: target.jwksUri,
    });
    // The JWKS as the library would have parsed it from the wire, checked by its own assertion.
    const jwks: Json = JSON.parse(JSON.stringify(target.jwks));
    assertIsJwks(jwks);
    verifier.cacheJwks(jwks);
    return perToken((token) => verifier.verify(token));
  },
};
