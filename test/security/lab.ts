/**
 * The attack lab: an authorization server we fully control on loopback (discovery and a JWK Set
 * served over real HTTP from a node:http server on port 0), keys generated per run, and a forge
 * that signs any header and payload bytes, so a row can build exactly the token it attacks with.
 */
import {
  createHash,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  type SignKeyObjectInput,
  sign,
} from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const AUDIENCE = 'api://default';
export const CLIENT_ID = '0oa-lab-client';

export interface LabKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: KeyObject;
  /** Public JWK with `kid`, `alg` and `use: sig`, as published. */
  readonly jwk: JsonWebKey & { kid: string };
}

/** A signing key of `alg` (RS256, PS256, ES256, ES384, EdDSA). */
export function labKey(kid: string, alg: string): LabKey {
  const pair = alg.startsWith('ES')
    ? generateKeyPairSync('ec', { namedCurve: { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg]! })
    : alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return { kid, alg, privateKey: pair.privateKey, jwk };
}

export const b64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url');
export const json = (value: unknown): string => b64(JSON.stringify(value));

/** The JWS signature of `input` with `key` under `alg` (or the key's own alg). */
export function signature(key: LabKey, input: string, alg = key.alg): string {
  const hash = { '256': 'sha256', '384': 'sha384', '512': 'sha512' }[alg.slice(2)] ?? null;
  const options: SignKeyObjectInput = { key: key.privateKey };
  if (alg.startsWith('PS')) Object.assign(options, { padding: 6, saltLength: Number(alg.slice(2)) / 8 });
  if (alg.startsWith('ES')) Object.assign(options, { dsaEncoding: 'ieee-p1363' });
  return b64(sign(alg === 'EdDSA' ? null : hash, Buffer.from(input), options));
}

/** Signs raw segment text (already base64url) with `key`: for tokens whose segments are the attack. */
export function signSegments(key: LabKey, headerSegment: string, payloadSegment: string): string {
  const input = `${headerSegment}.${payloadSegment}`;
  return `${input}.${signature(key, input)}`;
}

/** The left half of SHA-256, base64url: `at_hash`/`c_hash` under RS256. */
export function halfHash(value: string): string {
  return b64(createHash('sha256').update(value).digest().subarray(0, 16));
}

/**
 * An authorization server on 127.0.0.1 with one custom-server issuer (`/oauth2/default`): RFC 8414
 * metadata and a JWK Set the test may replace at any time.
 */
export class LabServer {
  keys: object[] = [];
  /** When set, the JWKS answer is this raw status and body instead of the key set. */
  jwksAnswer: { status: number; body: string } | undefined;
  jwksRequests = 0;
  private constructor(
    private readonly server: Server,
    readonly issuer: string,
  ) {}

  static async start(keys: readonly LabKey[] = []): Promise<LabServer> {
    let lab: LabServer | undefined;
    const server = createServer((request, response) => lab!.answer(request.url ?? '', response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    lab = new LabServer(server, `http://127.0.0.1:${port}/oauth2/default`);
    lab.keys = keys.map((key) => key.jwk);
    return lab;
  }

  get jwksUri(): string {
    return `${this.issuer}/v1/keys`;
  }

  private answer(url: string, response: import('node:http').ServerResponse): void {
    const send = (status: number, body: string) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'max-age=600' });
      response.end(body);
    };
    const issuerPath = new URL(this.issuer).pathname;
    if (
      url === `/.well-known/oauth-authorization-server${issuerPath}` ||
      url === `${issuerPath}/.well-known/openid-configuration`
    ) {
      send(200, JSON.stringify({ issuer: this.issuer, jwks_uri: this.jwksUri }));
    } else if (url === `${issuerPath}/v1/keys`) {
      this.jwksRequests += 1;
      if (this.jwksAnswer !== undefined) send(this.jwksAnswer.status, this.jwksAnswer.body);
      else send(200, JSON.stringify({ keys: this.keys }));
    } else {
      send(404, '{"error":"not_found"}');
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
