/** The shape of a demo scenario: what it shows, how it prepares its request, what it expects. */
import type { ErrorCode } from '@tokenward/core';
import type { DemoEnvironment } from './servers.js';

export interface DemoTokens {
  /** default server, orders:read + orders:refund. */
  readonly full: string;
  /** default server, orders:read only. */
  readonly readOnly: string;
  /** The sibling custom server `payments`. */
  readonly payments: string;
  /** The org server. */
  readonly org: string;
  /** default server, an opaque token (no JWT) of the demo's client, orders:read. */
  readonly opaque: string;
}

export interface Expectation {
  readonly status: number;
  readonly code?: ErrorCode;
}

export interface RequestPlan {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly token: string | undefined;
  /** The authorization scheme; default `Bearer`. */
  readonly scheme?: 'Bearer' | 'DPoP';
  /** The `DPoP` proof sent to each API (a proof is good for one request). */
  readonly proofs?: ReadonlyMap<string, string>;
}

export interface Scenario {
  readonly name: string;
  /** What the scenario shows, narrated before its requests. */
  readonly story: string;
  readonly expect: Expectation;
  /** Key-set requests the issuer must see per API during the request, when that matters. */
  readonly jwksRequests?: number;
  prepare(env: DemoEnvironment, tokens: DemoTokens): Promise<RequestPlan>;
}
