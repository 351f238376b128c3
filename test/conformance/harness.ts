/**
 * The adapter harness of the conformance suite: every adapter (Express, Fastify, and any later
 * one: the Fetch adapter, Hono, the gateway) serves the same small API, and every HTTP case must
 * get the same answer from each. To add an adapter, implement {@link AdapterHarness} and list it
 * in `adapters/index.ts`.
 */
import type { DpopOptions, IntrospectionOptions } from '@tokenward/core';

/** Verifier options of one protected part of the API. */
export interface TrustSettings {
  readonly issuer: string;
  readonly audience: string;
  /**
   * The verifier clock (epoch ms), one fixed instant for the whole suite, so that messages
   * quoting "now" read the same through every adapter. Pass it to the verifier options.
   */
  readonly clock: () => number;
}

/** Verifier options of a protected resource known by its URL (RFC 8707, RFC 9728): no audience. */
export interface ResourceTrustSettings {
  readonly issuer: string;
  /** The resource identifier, which tokens name in `aud`. */
  readonly resource: string;
  readonly clock: () => number;
}

/** The external origin the DPoP routes are configured with (`dpop.origins`), the base of every proof's `htu`. */
export const DPOP_ORIGIN = 'https://api.conformance.example';

/** The secret of the nonced DPoP routes' stateless server nonces (RFC 9449 section 9). */
export const NONCE_KEY = 'a-conformance-nonce-secret-of-32-characters';

/** Seconds one server nonce step lasts: a nonce handed out now is the previous step's this much later. */
export const NONCE_STEP_SECONDS = 60;

/** Trust of a DPoP route: `main`'s, with a `dpop` option for {@link DPOP_ORIGIN}. */
export interface DpopTrust extends TrustSettings {
  readonly dpop: DpopOptions;
}

/**
 * Trust of an introspecting route (RFC 7662): `main`'s (or another server's), asking the reference
 * issuer's introspection endpoint with its built-in confidential client. Plain data, so that a
 * gateway policy can hold it.
 */
export interface IntrospectionTrust extends TrustSettings {
  readonly introspection: IntrospectionOptions;
  /** Seconds for each exchange with the issuer, introspection included (core's `httpTimeout`). */
  readonly httpTimeout?: number;
}

/** What the API an adapter serves must trust, and how it names its realm. */
export interface ConformanceConfig {
  /** `realm` every challenge carries. */
  readonly realm: string;
  /** Trust of `/mcp`, a resource with published metadata ({@link RESOURCE_METADATA}). */
  readonly resource: ResourceTrustSettings;
  /** Trust of `/orders` and `/gold`. */
  readonly main: TrustSettings;
  /** Trust of `/outage`: a server whose key set cannot be fetched. */
  readonly outage: TrustSettings;
  /**
   * Trust of the DPoP routes: `/dpop` (DPoP beside Bearer), `/dpop-nonce` (DPoP only, with server
   * nonces), `/dpop-nonce-next` (the same nonces, its clock one nonce step later) and
   * `/dpop-outage` (DPoP only, a replay store that cannot answer).
   */
  readonly dpop: {
    readonly allowed: DpopTrust;
    readonly nonced: DpopTrust;
    readonly noncedNextStep: DpopTrust;
    readonly outage: DpopTrust;
  };
  /**
   * Trust of the introspecting routes: `/introspected` (`mode: 'fallback'`, core's default cache),
   * `/introspected-always` (`mode: 'always'`, nothing cached) and `/introspected-outage` (a server
   * whose introspection endpoint the cases make fail).
   */
  readonly introspection: {
    readonly fallback: IntrospectionTrust;
    readonly always: IntrospectionTrust;
    readonly outage: IntrospectionTrust;
  };
}

/**
 * The API, with the adapter's defaults otherwise (CORS preflights answered at the auth step,
 * tokens only in the `Authorization` header); each route answers 200 `{ "subject": <sub> }`:
 * - `GET /orders`: a valid token of `main` with the scope `orders:read`;
 * - `GET /gold`: a valid token of `main` whose `tier` claim is `"gold"`;
 * - `GET /outage`: a valid token of `outage`;
 * - `OPTIONS /orders`: protected like `GET /orders` (a preflight never reaches a handler);
 * - `GET /strong`: a valid token of `main` whose sign-in meets {@link STEP_UP} (RFC 9470);
 * - `GET /mcp`: a valid token of `resource` with the scope `mcp:tools`;
 * - the metadata of `resource` at its well-known URL, with {@link RESOURCE_METADATA}, served by
 *   the adapter's own metadata handler;
 * - `GET /dpop`: like `GET /orders` (the scope `orders:read`) with `dpop.allowed`;
 * - `GET /dpop-nonce`, `GET /dpop-nonce-next` and `GET /dpop-outage`: any valid token of
 *   `dpop.nonced` / `dpop.noncedNextStep` / `dpop.outage` (unless the adapter lacks `clock-per-route`);
 * - `GET /maybe`: credentials optional (unless the adapter lacks `optional-credentials`): a valid
 *   token of `main` answers its subject, no credentials `{ "subject": "anonymous" }`;
 * - `GET /introspected` and `GET /introspected-always`: the scope `orders:read`, with
 *   `introspection.fallback` / `introspection.always`; `GET /introspected-strong`: {@link STEP_UP}
 *   with `introspection.always`; `GET /introspected-outage`: any token of `introspection.outage`.
 *   These four answer `{ "subject": <sub>, "scopes": [<scope>...] }`.
 */
/** The step-up requirements of `GET /strong`: a sign-in at `urn:loa:2` within the last 300 s. */
export const STEP_UP = Object.freeze({ acrValues: Object.freeze(['urn:loa:2']), maxAge: 300 });

/** The options of `/mcp`'s metadata document beside what the verifier knows. */
export const RESOURCE_METADATA = Object.freeze({
  scopesSupported: Object.freeze(['mcp:tools', 'mcp:admin']),
  resourceName: 'Conformance MCP',
});

/**
 * What an adapter may not offer yet. A case that needs one of these runs through every adapter
 * that does not list it as lacking; every other case runs through all of them.
 */
export type Feature =
  /** Credentials may be left out (`optionalAuth`): the route runs without `auth`. */
  | 'optional-credentials'
  /** A route's verifier can have a clock of its own (one adapter process, two clocks). */
  | 'clock-per-route'
  /** The request's body is seen (the gateway is asked with the headers alone). */
  | 'form-body';

export interface AdapterHarness {
  readonly name: string;
  /** Features this adapter does not have, so it serves no route for them. Default: none. */
  readonly lacks?: readonly Feature[];
  start(config: ConformanceConfig): Promise<RunningApi>;
}

export interface RunningApi {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  close(): Promise<void>;
}
