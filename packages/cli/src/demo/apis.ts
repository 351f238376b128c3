/**
 * The two APIs the demo protects, written the way their READMEs show: an Express app with one
 * verifier, `requireAuth(verifier, { scopes })` per route and `authErrorHandler`, and a Fastify
 * app with the plugin and `requireAuth` hooks; both name a route's scopes in its challenges.
 * Both serve GET /orders (orders:read), POST /orders/refund (orders:refund) and POST /payouts
 * (orders:refund and a recent two-factor sign-in: the step-up act's route).
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createAccessTokenVerifier,
  type DpopOptions,
  type IntrospectionOptions,
  type TokenwardEvent,
} from '@tokenward/core';
import { authErrorHandler, requireAuth } from '@tokenward/express';
import tokenward from '@tokenward/fastify';
import express from 'express';
import Fastify from 'fastify';

/** Verifier options both APIs get; the short windows are for the demo only. */
export interface ApiSettings {
  readonly issuer: string;
  readonly audience: string;
  /** The demo clock (epoch ms). */
  readonly clock: () => number;
  /** Seconds between unknown-kid refetches and after a failed refresh. */
  readonly jwksCooldown: number;
  /** Seconds a key set past its lifetime keeps serving known kids while refreshes fail. */
  readonly staleIfError: number;
  /** DPoP beside Bearer, for the DPoP act. */
  readonly dpop: DpopOptions;
  /** The APIs' introspection client, for opaque tokens (the revocation act). */
  readonly introspection: IntrospectionOptions;
}

export interface DemoApi {
  readonly name: 'Express' | 'Fastify';
  readonly origin: string;
  /** Every verifier event so far, in order, with the demo-clock time it happened at. */
  readonly events: readonly TimedEvent[];
  close(): Promise<void>;
}

export interface TimedEvent {
  /** Demo-clock epoch milliseconds. */
  readonly at: number;
  readonly event: TokenwardEvent;
}

const ORDERS = [{ id: 'ord_1001', total: 42.5 }];

/** What `POST /payouts` requires (both APIs): the step-up act's route (RFC 9470). */
export const PAYOUTS = Object.freeze({
  scopes: Object.freeze(['orders:refund']),
  acrValues: Object.freeze(['urn:tokenward:loa:2']),
  maxAge: 300,
});

export async function startExpressApi(settings: ApiSettings): Promise<DemoApi> {
  const events: TimedEvent[] = [];
  const app = express();
  const verifier = createAccessTokenVerifier({
    ...settings,
    onEvent: (event) => events.push({ at: settings.clock(), event }),
  });
  app.get('/orders', requireAuth(verifier, { scopes: ['orders:read'] }), (req, res) => {
    res.json({ orders: ORDERS, subject: req.auth?.subject });
  });
  app.post('/orders/refund', requireAuth(verifier, { scopes: ['orders:refund'] }), (_req, res) => {
    res.json({ refunded: 'ord_1001' });
  });
  app.post('/payouts', requireAuth(verifier, PAYOUTS), (req, res) => {
    res.json({ paidOut: 'ord_1001', acr: req.auth?.claims.acr });
  });
  // The demo narrates every answer itself, as the Fastify API runs with logger: false.
  app.use(authErrorHandler({ log: false }));
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    name: 'Express',
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export async function startFastifyApi(settings: ApiSettings): Promise<DemoApi> {
  const events: TimedEvent[] = [];
  const app = Fastify({ logger: false });
  await app.register(tokenward, {
    ...settings,
    onEvent: (event) => events.push({ at: settings.clock(), event }),
  });
  app.get('/orders', { preHandler: app.requireAuth({ scopes: ['orders:read'] }) }, async (request) => ({
    orders: ORDERS,
    subject: request.auth?.subject,
  }));
  app.post('/orders/refund', { preHandler: app.requireAuth({ scopes: ['orders:refund'] }) }, async () => ({
    refunded: 'ord_1001',
  }));
  app.post('/payouts', { preHandler: app.requireAuth(PAYOUTS) }, async (request) => ({
    paidOut: 'ord_1001',
    acr: request.auth?.claims.acr,
  }));
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  return { name: 'Fastify', origin, events, close: () => app.close() };
}
