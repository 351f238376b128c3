/** What one HTTP server child runs. Sent to the child over IPC. */
export type Framework = 'express' | 'fastify';

/** `none`: no authentication (the baseline); `peer`: the framework's usual JWT middleware. */
export type ServerAuth = 'none' | 'tokenward' | 'peer';

export interface ServerConfig {
  readonly framework: Framework;
  readonly auth: ServerAuth;
  readonly issuer: string;
  readonly audience: string;
  /** RS256 public key for @fastify/jwt, which takes a key, not a JWKS. */
  readonly publicKeyPem: string;
}

export interface ServerReady {
  readonly port: number;
}

/** Asked of a running server child: the CPU time it has used so far. */
export const CPU_QUESTION = 'cpu';

export interface ServerCpu {
  /** User plus system CPU time of the server process, in microseconds. */
  readonly cpuMicroseconds: number;
}

export const PROTECTED_PATH = '/orders';

/** The body every server answers with, small so the framework and the auth dominate. */
export const ORDERS_BODY = { orders: [] };

export const PEER_NAME: Record<Framework, string> = {
  express: 'express-oauth2-jwt-bearer',
  fastify: '@fastify/jwt',
};
