import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningApi } from './harness.js';

/**
 * Serves a `(request) => Response` handler on a free loopback port through node:http, the way a
 * Fetch-style platform would hand it requests. Repeated header lines arrive joined in `Headers`,
 * as they do on those platforms.
 */
export async function serveFetch(
  handler: (request: Request) => Promise<Response>,
  port = 0,
): Promise<RunningApi> {
  const server = createServer(async (incoming, outgoing) => {
    const headers = new Headers();
    for (let index = 0; index + 1 < incoming.rawHeaders.length; index += 2) {
      headers.append(incoming.rawHeaders[index]!, incoming.rawHeaders[index + 1]!);
    }
    const method = incoming.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks);
    const response = await handler(
      new Request(`http://${incoming.headers.host}${incoming.url}`, { method, headers, body }),
    );
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
