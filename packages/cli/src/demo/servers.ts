/**
 * Starts and stops what the demo runs: the reference issuer (org server, custom servers
 * `default` and `payments`) and the Express and Fastify APIs trusting `default`, all on loopback
 * port 0, with the demo's clock, shortened key-set windows and introspection of opaque tokens.
 */
import { randomBytes } from 'node:crypto';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { type ApiSettings, type DemoApi, startExpressApi, startFastifyApi } from './apis.js';
import { DemoClock } from './clock.js';
import { DEMO_API_ORIGIN } from './dpop-client.js';
import type { ClientCredentials } from './http.js';

/** Key-set lifetime the issuer announces (`Cache-Control: max-age`), the shortest core honours. */
export const DEMO_JWKS_MAX_AGE = 60;
/** Stale-if-error window of the demo's verifiers (default 3600 s). */
export const DEMO_STALE_IF_ERROR = 60;
/** Cooldown between refetches of the demo's verifiers (default 30 s). */
export const DEMO_JWKS_COOLDOWN = 5;
/** Seconds the demo's APIs reuse an introspection answer (default 60 s): how long a revoked token lives on. */
export const DEMO_INTROSPECTION_CACHE = 30;

export const ORDER_SCOPES = ['orders:read', 'orders:refund'] as const;

export interface DemoEnvironment {
  readonly issuer: ReferenceIssuer;
  readonly clock: DemoClock;
  readonly apis: readonly DemoApi[];
  /** The confidential client registered for the demo, allowed both order scopes. */
  readonly client: ClientCredentials;
  /** What both APIs trust. */
  readonly trusted: { readonly issuer: string; readonly audience: string };
  close(): Promise<void>;
}

export async function startDemoEnvironment(): Promise<DemoEnvironment> {
  const client = { clientId: 'orders-service', clientSecret: randomBytes(18).toString('base64url') };
  const issuer = await startIssuer({
    port: 0,
    servers: ['default', 'payments'],
    clients: [{ ...client, scopes: [...ORDER_SCOPES] }],
    jwksMaxAge: DEMO_JWKS_MAX_AGE,
  });
  const clock = new DemoClock();
  const server = issuer.server('default');
  const settings: ApiSettings = {
    issuer: server.issuer,
    audience: server.audience,
    clock: clock.now,
    jwksCooldown: DEMO_JWKS_COOLDOWN,
    staleIfError: DEMO_STALE_IF_ERROR,
    dpop: { mode: 'allowed', origins: [DEMO_API_ORIGIN] },
    // Opaque tokens are asked about at the issuer (RFC 7662), as the API's own client.
    introspection: { mode: 'fallback', ...client, maxCacheAge: DEMO_INTROSPECTION_CACHE },
  };
  const apis: DemoApi[] = [];
  const close = async () => {
    await Promise.allSettled(apis.map((api) => api.close()));
    await issuer.close();
  };
  try {
    apis.push(await startExpressApi(settings));
    apis.push(await startFastifyApi(settings));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    issuer,
    clock,
    apis,
    client,
    trusted: { issuer: server.issuer, audience: server.audience },
    close,
  };
}
