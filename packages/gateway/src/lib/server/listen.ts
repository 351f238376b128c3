/** Listening and closing, with "port in use" told apart from every other failure. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayStartError } from '../../errors.js';

/** Listens on `host:port` and resolves to the bound port. `what` names the port in messages. */
export function listen(server: Server, host: string, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      server.off('listening', done);
      reject(new GatewayStartError('listen', listenFailure(error, host, port, what), { cause: error }));
    };
    const done = () => {
      server.off('error', fail);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', fail);
    server.once('listening', done);
    server.listen(port, host);
  });
}

/** The message for a failed listen: "in use" and "not allowed" spelled out, the code otherwise. */
export function listenFailure(
  error: { code?: string; message?: string },
  host: string,
  port: number,
  what: string,
) {
  const text = `${error.code ?? ''} ${error.message ?? ''}`;
  if (text.includes('EADDRINUSE')) return `${what} ${port} on ${host} is already in use`;
  if (text.includes('EACCES')) return `${what} ${port} on ${host} needs privileges this process lacks`;
  if (text.includes('EADDRNOTAVAIL')) return `${host} is not an address of this machine (${what})`;
  return `cannot listen on ${host}:${port} (${what}): ${error.code ?? error.message ?? 'unknown error'}`;
}

/**
 * Stops accepting, lets requests under way finish, and after `graceMs` cuts what is left, so a
 * proxy holding an idle keep-alive connection cannot keep the process alive.
 */
export function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
