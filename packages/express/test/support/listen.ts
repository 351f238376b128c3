import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import express5 from 'express';
import express4 from 'express4';

/** The same test matrix runs against both supported majors. */
export const expressVersions = [
  { label: 'express 5', express: express5 },
  { label: 'express 4', express: express4 },
] as const;

export type ExpressFactory = typeof express5;

export interface RunningApp {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on a free loopback port. */
export async function listen(app: Express): Promise<RunningApp> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
