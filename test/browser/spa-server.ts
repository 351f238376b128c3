/**
 * The SPA's origin for the browser test: the page, its bundle and its configuration on
 * 127.0.0.1, plus one test-only endpoint, `POST /test/id-token`, that mints the deliberately bad
 * ID tokens of the fault scenarios with the reference issuer (same origin as the page, no CORS).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthServer, ReferenceIssuer } from '@tokenward/issuer';

export const SPA_CLIENT = 'spa-client';

export interface SpaServer {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  close(): Promise<void>;
}

interface BadTokenRequest {
  readonly fault: string;
  readonly nonce: string;
  readonly accessToken: string;
}

/** The bad ID token of each fault, otherwise what the issuer would have sent for this sign-in. */
function mintBadToken(issuer: ReferenceIssuer, request: BadTokenRequest): Promise<string> | undefined {
  const home: AuthServer = issuer.server('default');
  const { nonce, accessToken } = request;
  const asIssued = { clientId: SPA_CLIENT, accessToken };
  switch (request.fault) {
    case 'wrong-nonce':
      return home.mintIdToken({ nonce: 'nonce-of-another-sign-in' }, asIssued);
    case 'wrong-client':
      return home.mintIdToken({ nonce }, { ...asIssued, clientId: 'another-client' });
    case 'expired':
      return home.mintIdToken({ nonce }, { ...asIssued, expiresIn: -3600 });
    case 'at-hash':
      return home.mintIdToken({ nonce }, { ...asIssued, accessToken: 'the access token of another sign-in' });
    case 'sibling-server':
      return issuer.server('payments').mintIdToken({ nonce }, asIssued);
    default:
      return undefined;
  }
}

export async function startSpaServer(options: {
  readonly issuer: ReferenceIssuer;
  readonly htmlPath: string;
  readonly bundlePath: string;
}): Promise<SpaServer> {
  const { issuer } = options;
  const html = await readFile(options.htmlPath);
  const bundle = await readFile(options.bundlePath);
  const config = JSON.stringify({ issuer: issuer.server('default').issuer, clientId: SPA_CLIENT });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://spa.invalid').pathname;
    if (req.method === 'GET' && (path === '/' || path === '/callback'))
      return send(res, 200, 'text/html', html);
    if (req.method === 'GET' && path === '/page.js') return send(res, 200, 'text/javascript', bundle);
    if (req.method === 'GET' && path === '/config.json') return send(res, 200, 'application/json', config);
    if (req.method === 'POST' && path === '/test/id-token') {
      const request = JSON.parse(await readBody(req)) as BadTokenRequest;
      const idToken = await mintBadToken(issuer, request);
      if (idToken === undefined) return send(res, 400, 'text/plain', `unknown fault ${request.fault}`);
      return send(res, 200, 'application/json', JSON.stringify({ idToken }));
    }
    send(res, 404, 'text/plain', 'not found');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, 'text/plain', String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
