import { jsonwebtoken as jwt } from '../../lib/untyped-packages.js';
import { type ContenderDefinition, perToken } from '../contender.js';

export const jsonwebtoken: ContenderDefinition = {
  name: 'jsonwebtoken',
  packageName: 'jsonwebtoken',
  howCalled: '`verify(token, pem, { algorithms, issuer, audience })` (synchronous)',
  algs: ['RS256', 'ES256'],
  checksClaims: true,
  async create(target) {
    const options = { algorithms: [target.alg], issuer: target.issuer, audience: target.audience };
    return perToken((token) => jwt.verify(token, target.publicKeyPem, options));
  },
};
