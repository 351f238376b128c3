import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { type AuthServer, type PublishedJwk, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';

export type Alg = 'RS256' | 'ES256';
export const ALGS: readonly Alg[] = ['RS256', 'ES256'];

/** Everything a verifier may be configured with for one algorithm of the `default` server. */
export interface VerifierTarget {
  readonly alg: Alg;
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  /** The server's JWKS as published (both algorithms' keys). */
  readonly jwks: { keys: PublishedJwk[] };
  readonly kid: string;
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
}

/** A token every verifier must refuse. */
export interface InvalidToken {
  readonly reason: string;
  readonly token: string;
  /** Refusing it takes a claim check; a bare signature check (the node:crypto limit) cannot. */
  readonly needsClaimCheck: boolean;
}

export interface TokenSet {
  readonly alg: Alg;
  /** The token of the repeated-token workload. */
  readonly same: string;
  /** The rotation of the distinct-token workload. */
  readonly distinct: readonly string[];
  readonly invalid: readonly InvalidToken[];
}

export interface BenchIssuer {
  readonly issuer: ReferenceIssuer;
  target(alg: Alg): VerifierTarget;
  close(): Promise<void>;
}

const OTHER_SERVER = 'payments';

/** The payload with one claim changed and the original signature kept. */
function tamper(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  claims.sub = 'mallory';
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

function targetFor(server: AuthServer, alg: Alg, kid: string): VerifierTarget {
  const jwks = server.jwks();
  const jwk = jwks.keys.find((key) => key.kid === kid);
  if (!jwk) throw new Error(`the ${alg} key ${kid} is not in the JWKS of ${server.issuer}`);
  const publicKeyPem = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  // Decoded from PEM, not kept from the JWK import: OpenSSL verifies with a key it decoded itself
  // about 2% faster (RS256), and the node:crypto limit must be the fastest verify there is.
  const publicKey = createPublicKey(publicKeyPem);
  return {
    alg,
    issuer: server.issuer,
    audience: server.audience,
    jwksUri: server.jwksUri,
    jwks,
    kid,
    publicKey,
    publicKeyPem,
  };
}

/**
 * The reference issuer with `default` and `payments` servers, each signing with RS256 and ES256.
 * JWKS responses say `max-age=3600` so that no verifier refetches keys in the middle of a run.
 */
export async function startBenchIssuer(): Promise<BenchIssuer> {
  const issuer = await startIssuer({ port: 0, servers: ['default', OTHER_SERVER], jwksMaxAge: 3600 });
  const main = issuer.server('default');
  const esKid = main.addKey('ES256').kid;
  issuer.server(OTHER_SERVER).addKey('ES256');
  const targets = new Map<Alg, VerifierTarget>([
    ['RS256', targetFor(main, 'RS256', main.activeKid)],
    ['ES256', targetFor(main, 'ES256', esKid)],
  ]);
  return {
    issuer,
    target: (alg) => targets.get(alg)!,
    close: () => issuer.close(),
  };
}

/**
 * The token as a server receives it: one flat string, as Node makes a header value from its bytes.
 * A minted token is joined from its segments, and V8 keeps such a string as a rope until something
 * reads it; the first contender to read each one would pay for flattening it.
 */
function asReceived(token: string): string {
  return Buffer.from(token, 'latin1').toString('latin1');
}

/** Tokens of the `default` server: the repeated one, `distinctCount` distinct ones, and refusals. */
export async function mintTokenSet(bench: BenchIssuer, alg: Alg, distinctCount: number): Promise<TokenSet> {
  const main = bench.issuer.server('default');
  const other = bench.issuer.server(OTHER_SERVER);
  const mint = async (
    claims: Record<string, unknown>,
    extra: { expiresIn?: number; audience?: string } = {},
  ) =>
    asReceived(
      await main.mintAccessToken({ scp: ['orders:read'], ...claims }, { alg, expiresIn: 3600, ...extra }),
    );
  const same = await mint({ sub: 'user-same' });
  const distinct: string[] = [];
  for (let index = 0; index < distinctCount; index++) distinct.push(await mint({ sub: `user-${index}` }));
  const invalid: InvalidToken[] = [
    { reason: 'tampered payload', token: tamper(same), needsClaimCheck: false },
    {
      reason: 'other server (its own key and issuer)',
      token: await other.mintAccessToken({ sub: 'user-same' }, { alg, audience: main.audience }),
      needsClaimCheck: false,
    },
    { reason: 'wrong issuer, right key', token: await mint({ iss: other.issuer }), needsClaimCheck: true },
    { reason: 'wrong audience', token: await mint({}, { audience: other.audience }), needsClaimCheck: true },
    { reason: 'expired an hour ago', token: await mint({}, { expiresIn: -3600 }), needsClaimCheck: true },
  ];
  return { alg, same, distinct, invalid };
}
