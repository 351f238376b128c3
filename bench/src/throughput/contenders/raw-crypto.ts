import { verify } from 'node:crypto';
import type { ContenderDefinition } from '../contender.js';

interface SplitToken {
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

function split(token: string): SplitToken {
  const lastDot = token.lastIndexOf('.');
  return {
    signingInput: Buffer.from(token.slice(0, lastDot)),
    signature: Buffer.from(token.slice(lastDot + 1), 'base64url'),
  };
}

/**
 * The limit: one synchronous `crypto.verify` per token with a KeyObject imported once and the token
 * split and base64url-decoded before timing starts. No parsing, no claims — no verifier can beat it.
 */
export const rawCrypto: ContenderDefinition = {
  name: 'node:crypto (limit)',
  packageName: 'node',
  howCalled: '`crypto.verify` on a pre-split token with a pre-imported KeyObject; signature only',
  algs: ['RS256', 'ES256'],
  checksClaims: false,
  async create(target) {
    // JWS ES256 signatures are the raw r||s concatenation (RFC 7518 §3.4), not DER.
    const key =
      target.alg === 'ES256'
        ? { key: target.publicKey, dsaEncoding: 'ieee-p1363' as const }
        : target.publicKey;
    return {
      bind(tokens) {
        const prepared = tokens.map(split);
        return (index) => {
          const token = prepared[index]!;
          if (!verify('sha256', token.signingInput, key, token.signature))
            throw new Error('invalid signature');
          return true;
        };
      },
    };
  },
};
