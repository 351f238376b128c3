/**
 * The adapter harness of the conformance suite: every adapter (Express, Fastify, and any later
 * one: the Fetch adapter, Hono, the gateway) serves the same small API, and every HTTP case must
 * get the same answer from each. To add an adapter, implement {@link AdapterHarness} and list it
 * in `adapters/index.ts`.
 */

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

/** What the API an adapter serves must trust, and how it names its realm. */
export interface ConformanceConfig {
  /** `realm` every challenge carries. */
  readonly realm: string;
  /** Trust of `/orders` and `/gold`. */
  readonly main: TrustSettings;
  /** Trust of `/outage`: a server whose key set cannot be fetched. */
  readonly outage: TrustSettings;
}

/**
 * The API, with the adapter's defaults otherwise (CORS preflights answered at the auth step,
 * tokens only in the `Authorization` header); each route answers 200 `{ "subject": <sub> }`:
 * - `GET /orders`: a valid token of `main` with the scope `orders:read`;
 * - `GET /gold`: a valid token of `main` whose `tier` claim is `"gold"`;
 * - `GET /outage`: a valid token of `outage`;
 * - `OPTIONS /orders`: protected like `GET /orders` (a preflight never reaches a handler).
 */
export interface AdapterHarness {
  readonly name: string;
  start(config: ConformanceConfig): Promise<RunningApi>;
}

export interface RunningApi {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  close(): Promise<void>;
}
