import { randomInt } from 'node:crypto';
import type { ClientRegistration, IssuerOptions, OrgServerLayout, SigningAlg } from '../types.js';
import { isSigningAlg } from './keys.js';
import { resolveSignIn, type SignIn } from './session.js';

/** Custom server ids are one path segment; `v1` is the org server's endpoint prefix, `org` its name. */
const SERVER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const RESERVED_IDS = new Set(['v1', 'org']);
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface IssuerSettings {
  port: number;
  host: string;
  servers: string[];
  clients: ClientRegistration[];
  alg: SigningAlg;
  jwksMaxAge: number;
  rotationOverlap: number;
  admin: boolean;
  dpopNonce: boolean | readonly string[];
  testUserSignIn: SignIn | undefined;
  orgServerLayout: OrgServerLayout;
}

export function assertServerId(id: string): void {
  if (!SERVER_ID.test(id) || RESERVED_IDS.has(id)) {
    throw new Error(`invalid server id "${id}": use 1-64 of [A-Za-z0-9_-], not "v1" or "org"`);
  }
}

/** A vendor-shaped custom server id: `aus` + 17 random alphanumerics. */
export function generateServerId(): string {
  let id = 'aus';
  for (let i = 0; i < 17; i += 1) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return id;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new Error(`${name} must be a number of seconds >= 0, got ${String(value)}`);
  }
  return value;
}

function checkClient(client: ClientRegistration): ClientRegistration {
  if (typeof client?.clientId !== 'string' || client.clientId === '') {
    throw new Error('clients[].clientId must be a non-empty string');
  }
  return client;
}

function checkDpopNonce(value: IssuerOptions['dpopNonce']): boolean | readonly string[] {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.every((id) => typeof id === 'string')) return [...value];
  throw new Error('dpopNonce must be a boolean or a list of server ids ("org" or custom ids)');
}

/** Validates {@link IssuerOptions} eagerly and fills in defaults. */
export function resolveSettings(options: IssuerOptions): IssuerSettings {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`port must be an integer 0-65535, got ${String(options.port)}`);
  }
  const alg = options.alg ?? 'RS256';
  if (!isSigningAlg(alg)) throw new Error(`alg must be RS256, ES256, PS256 or EdDSA, got ${String(alg)}`);
  const servers = ['default', ...(options.servers ?? []).filter((id) => id !== 'default')];
  for (const id of servers) assertServerId(id);
  if (new Set(servers).size !== servers.length) throw new Error('servers contains a duplicate id');
  const jwksMaxAge = nonNegative(options.jwksMaxAge, 300, 'jwksMaxAge');
  if (!Number.isInteger(jwksMaxAge)) throw new Error('jwksMaxAge must be a whole number of seconds');
  const orgServerLayout = options.orgServerLayout ?? 'vendor';
  if (orgServerLayout !== 'vendor' && orgServerLayout !== 'generic') {
    throw new Error(`orgServerLayout must be 'vendor' or 'generic', got ${String(orgServerLayout)}`);
  }
  const host = options.host ?? '127.0.0.1';
  // An empty host would make Node listen on every interface; this server is for loopback.
  if (typeof host !== 'string' || host === '')
    throw new Error('host must be a non-empty host name or address');
  return {
    port,
    host,
    servers,
    clients: (options.clients ?? []).map(checkClient),
    alg,
    jwksMaxAge,
    rotationOverlap: nonNegative(options.rotationOverlap, 3600, 'rotationOverlap'),
    admin: options.admin ?? false,
    dpopNonce: checkDpopNonce(options.dpopNonce),
    testUserSignIn:
      options.testUserSignIn === undefined
        ? undefined
        : resolveSignIn(options.testUserSignIn, 'testUserSignIn', Math.floor(Date.now() / 1000)),
    orgServerLayout,
  };
}
