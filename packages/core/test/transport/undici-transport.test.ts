import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { MockAgent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createUndiciTransport } from '../../src/lib/runtime/node/undici-transport.js';
import { failure } from './support.js';

const request = { maxBytes: 64 * 1024, timeoutMs: 2000 };

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('undici transport against the reference issuer', () => {
  let issuer: ReferenceIssuer;
  let jwksUri: string;
  const transport = createUndiciTransport();

  beforeAll(async () => {
    issuer = await startIssuer({ port: 0, servers: ['default'] });
    jwksUri = issuer.server('default').jwksUri;
  });
  afterEach(() => {
    issuer.clearFaults();
    issuer.resetCounts();
  });
  afterAll(async () => {
    await issuer.close();
  });

  it('fetches a key set with its headers', async () => {
    const response = await transport.get(jwksUri, { ...request, headers: { accept: 'application/json' } });
    expect(response.status).toBe(200);
    expect(response.header('content-type')).toContain('application/json');
    expect(response.header('Cache-Control')).toBe('max-age=300');
    const body = JSON.parse(new TextDecoder().decode(response.body));
    expect(body.keys[0].kid).toBe(issuer.server('default').activeKid);
  });

  it('aborts a server that never answers (§4.13 timeout)', async () => {
    issuer.setFault({ server: 'default', endpoint: 'jwks', delayMs: 'never' });
    const error = await failure(transport.get(jwksUri, { ...request, timeoutMs: 100 }));
    expect(error.reason).toBe('timeout');
    expect(error.message).toContain('100 ms');
  });

  it('returns a redirect unfollowed: the Location is never requested', async () => {
    issuer.setFault({
      server: 'default',
      endpoint: 'jwks',
      redirectTo: issuer.server('default').discoveryUrl,
    });
    const response = await transport.get(jwksUri, request);
    expect(response.status).toBe(302);
    expect(issuer.requestCount({ endpoint: 'discovery' })).toBe(0);
  });

  it('returns a 503 as an answer', async () => {
    issuer.setFault({ server: 'default', endpoint: 'jwks', status: 503 });
    expect((await transport.get(jwksUri, request)).status).toBe(503);
  });

  it('refuses a body larger than the cap (§4.13 size caps)', async () => {
    issuer.setFault({ server: 'default', endpoint: 'jwks', body: new Uint8Array(200 * 1024).fill(0x20) });
    const error = await failure(transport.get(jwksUri, request));
    expect(error.reason).toBe('too_large');
  });

  it('reports a reset connection as a network error', async () => {
    issuer.setFault({ server: 'default', endpoint: 'jwks', reset: true });
    const error = await failure(transport.get(jwksUri, request));
    expect(error.reason).toBe('network');
  });
});

describe('undici transport against raw loopback servers', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(close));
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler);
    servers.push(server);
    return listen(server);
  }

  it('stops reading an endless chunked body once it passes the cap', async () => {
    let clientGone = false;
    const origin = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = () => {
        while (res.write(chunk)) {
          // keep writing until the socket pushes back
        }
      };
      res.on('drain', pump);
      res.on('close', () => {
        clientGone = true;
      });
      pump();
    });
    const error = await failure(createUndiciTransport().get(`${origin}/keys`, request));
    expect(error.reason).toBe('too_large');
    await expect.poll(() => clientGone).toBe(true);
  });

  it('times out a body that stalls after the headers', async () => {
    const origin = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":[');
    });
    const error = await failure(
      createUndiciTransport().get(`${origin}/keys`, { ...request, timeoutMs: 100 }),
    );
    expect(error.reason).toBe('timeout');
  });

  it('sends the request headers it is given, and Cache-Control: no-cache only when revalidating', async () => {
    const seen: Array<{ accept: string | undefined; cacheControl: string | undefined }> = [];
    const origin = await serve((req, res) => {
      seen.push({ accept: req.headers.accept, cacheControl: req.headers['cache-control'] });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const transport = createUndiciTransport();
    await transport.get(`${origin}/keys`, { ...request, headers: { accept: 'application/json' } });
    await transport.get(`${origin}/keys`, {
      ...request,
      headers: { accept: 'application/json' },
      revalidate: true,
    });
    expect(seen).toEqual([
      { accept: 'application/json', cacheControl: undefined },
      { accept: 'application/json', cacheControl: 'no-cache' },
    ]);
  });

  /** Runs `body` with HTTP_PROXY pointing at `proxy`, restoring the variable afterwards. */
  async function withHttpProxy(proxy: string, body: () => Promise<void>): Promise<void> {
    const previous = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = proxy;
    try {
      await body();
    } finally {
      if (previous === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = previous;
    }
  }

  it('tunnels through the proxy named by HTTP_PROXY, the only environment it reads', async () => {
    const target = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"from":"target"}');
    });
    const tunnels: string[] = [];
    const proxyServer = createServer();
    proxyServer.on('connect', (req, clientSocket: Socket) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(clientSocket);
        clientSocket.pipe(upstream);
      });
      upstream.on('error', () => clientSocket.destroy());
      clientSocket.on('error', () => upstream.destroy());
    });
    servers.push(proxyServer);
    const proxy = await listen(proxyServer);
    await withHttpProxy(proxy, async () => {
      const response = await createUndiciTransport().get(`${target}/keys`, request);
      expect(JSON.parse(new TextDecoder().decode(response.body))).toEqual({ from: 'target' });
    });
    expect(tunnels).toEqual([new URL(target).host]);
  });

  it('still times out when the proxy never answers CONNECT', async () => {
    const proxyServer = createServer();
    const held: Socket[] = [];
    proxyServer.on('connect', (_, socket: Socket) => {
      held.push(socket);
    });
    servers.push(proxyServer);
    const proxy = await listen(proxyServer);
    await withHttpProxy(proxy, async () => {
      const error = await failure(
        createUndiciTransport().get('http://idp.example.test/keys', { ...request, timeoutMs: 100 }),
      );
      expect(error.reason).toBe('timeout');
    });
    for (const socket of held) socket.destroy();
  });
});

describe('undici transport options and process lifetime', () => {
  it('uses the dispatcher it is given (custom CA, proxy, mock)', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://idp.example.test')
      .intercept({ path: '/keys', method: 'GET' })
      .reply(200, { keys: [] }, { headers: { 'content-type': 'application/json' } });
    const response = await createUndiciTransport({ dispatcher: agent }).get(
      'https://idp.example.test/keys',
      request,
    );
    expect(response.status).toBe(200);
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  describe('with a server in another process', () => {
    let child: ChildProcess;
    let origin: string;

    beforeAll(async () => {
      const script =
        "const s=require('node:http').createServer((q,r)=>{r.setHeader('content-type','application/json');r.end('{}')});" +
        "s.listen(0,'127.0.0.1',()=>console.log(s.address().port));";
      child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const port = await new Promise<string>((resolve) => {
        child.stdout?.once('data', (data: Buffer) => resolve(data.toString().trim()));
      });
      origin = `http://127.0.0.1:${port}`;
    });
    afterAll(() => {
      child.kill();
    });

    it('leaves no socket keeping the process alive after a request (keep-alive sockets are unreferenced)', async () => {
      const sockets = () =>
        process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
      const before = sockets();
      const transport = createUndiciTransport();
      expect((await transport.get(`${origin}/keys`, request)).status).toBe(200);
      expect((await transport.get(`${origin}/keys`, request)).status).toBe(200);
      // undici unreferences an idle socket once the response is done; wait for that, not for a time.
      await expect.poll(sockets).toBe(before);
    });
  });
});
