/** Child process entry: one HTTP server, configured by the first IPC message, answering its port. */
import type { AddressInfo } from 'node:net';
import { listenExpress } from './express-app.js';
import { listenFastify } from './fastify-app.js';
import type { ServerConfig, ServerReady } from './server-config.js';

async function start(config: ServerConfig): Promise<number> {
  if (config.framework === 'express') {
    const server = await listenExpress(config);
    return (server.address() as AddressInfo).port;
  }
  const app = await listenFastify(config);
  return (app.server.address() as AddressInfo).port;
}

process.once('message', (config: ServerConfig) => {
  start(config).then(
    (port) => process.send?.({ port } satisfies ServerReady),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
