import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback authorization server reduced to discovery and one ES256 key, for generated tokens. */
export interface KeyServer {
  readonly issuer: string;
  readonly audience: string;
  readonly kid: string;
  readonly privateKey: JsonWebKey;
  close(): Promise<void>;
}

const SERVER_PATH = '/oauth2/bench';
const KID = 'bench-es256';

function answerJson(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600' });
  response.end(JSON.stringify(body));
}

/**
 * Serves the discovery document at every well-known location a verifier may try and the JWKS at
 * `{issuer}/v1/keys`. The private key never leaves this process and the generator it is given to.
 */
export async function startKeyServer(): Promise<KeyServer> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'ES256', use: 'sig' }] };
  let issuer = '';
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '';
    if (path === `${SERVER_PATH}/v1/keys`) return answerJson(response, jwks);
    if (path.includes('/.well-known/'))
      return answerJson(response, { issuer, jwks_uri: `${issuer}/v1/keys` });
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SERVER_PATH}`;
  return {
    issuer,
    audience: 'api://bench',
    kid: KID,
    privateKey: privateKey.export({ format: 'jwk' }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
