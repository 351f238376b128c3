/**
 * Runs the scenarios against every API and records what each answered: status, challenge,
 * error code, the verifier events the request caused, and how many key-set requests the issuer saw.
 */
import type { TokenwardEvent } from '@tokenward/core';
import type { DemoApi } from './apis.js';
import { errorCodeOf, request } from './http.js';
import type { DemoTokens, Expectation, RequestPlan, Scenario } from './scenarios.js';
import type { DemoEnvironment } from './servers.js';

export interface ScenarioResult {
  readonly scenario: string;
  readonly api: DemoApi['name'];
  readonly method: RequestPlan['method'];
  readonly path: string;
  readonly expected: Expectation & { readonly jwksRequests?: number };
  readonly got: {
    readonly status: number;
    readonly code: string | null;
    readonly wwwAuthenticate: string | null;
    readonly retryAfter: string | null;
  };
  /** Key-set requests the issuer counted (default server) before and after this request. */
  readonly jwksRequests: { readonly before: number; readonly after: number };
  /** What the verifier did on the way, from its events. */
  readonly notes: readonly string[];
  readonly matched: boolean;
}

export interface ScenarioListener {
  scenario(index: number, scenario: Scenario): void;
  result(result: ScenarioResult): void;
}

export async function runScenarios(
  env: DemoEnvironment,
  tokens: DemoTokens,
  scenarios: readonly Scenario[],
  listener: ScenarioListener,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    listener.scenario(index, scenario);
    const plan = await scenario.prepare(env, tokens);
    for (const api of env.apis) {
      const result = await runOne(env, api, scenario, plan);
      results.push(result);
      listener.result(result);
    }
  }
  return results;
}

async function runOne(
  env: DemoEnvironment,
  api: DemoApi,
  scenario: Scenario,
  plan: RequestPlan,
): Promise<ScenarioResult> {
  const countJwks = () => env.issuer.requestCount({ server: 'default', endpoint: 'jwks' });
  const before = countJwks();
  const eventsBefore = api.events.length;
  const answer = await request(`${api.origin}${plan.path}`, {
    method: plan.method,
    headers: headersOf(plan, api),
  });
  const after = countJwks();
  const code = answer.status === 200 ? undefined : errorCodeOf(answer);
  const { expect } = scenario;
  const matched =
    answer.status === expect.status &&
    (expect.code === undefined || code === expect.code) &&
    (scenario.jwksRequests === undefined || after - before === scenario.jwksRequests);
  return {
    scenario: scenario.name,
    api: api.name,
    method: plan.method,
    path: plan.path,
    expected: {
      ...expect,
      ...(scenario.jwksRequests === undefined ? {} : { jwksRequests: scenario.jwksRequests }),
    },
    got: {
      status: answer.status,
      code: code ?? null,
      wwwAuthenticate: headerOf(answer.headers['www-authenticate']),
      retryAfter: headerOf(answer.headers['retry-after']),
    },
    jwksRequests: { before, after },
    notes: api.events.slice(eventsBefore).flatMap(({ event }) => noteFor(event)),
    matched,
  };
}

function headersOf(plan: RequestPlan, api: DemoApi): Record<string, string> {
  if (plan.token === undefined) return {};
  const proof = plan.proofs?.get(api.name);
  return {
    authorization: `${plan.scheme ?? 'Bearer'} ${plan.token}`,
    ...(proof === undefined ? {} : { dpop: proof }),
  };
}

function headerOf(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

function noteFor(event: TokenwardEvent): string[] {
  switch (event.type) {
    case 'discovery_fetched':
      return ['discovery document fetched'];
    case 'jwks_fetched':
      return [
        `key set fetched (${event.reason.replace('_', ' ')}): ${event.keys} key(s), fresh for ${event.maxAgeSeconds} s`,
      ];
    case 'jwks_refresh_failed':
      return [`key set refresh failed: ${event.code}`];
    case 'jwks_stale_served':
      return [`served from the stale key set, expired ${event.staleForSeconds} s ago`];
    case 'jwks_cooldown':
      return [`refetch held back by the cooldown (${event.retryInSeconds} s left)`];
    case 'discovery_failed':
      return [`discovery failed: ${event.code}`];
    case 'insecure_http':
      return [`key material fetched over plain http (allowInsecureHttp): ${event.url}`];
    case 'introspected':
      return [`introspected at the issuer: ${event.active ? 'active' : 'not active'}`];
    case 'introspection_failed':
      return [`introspection failed${event.status === undefined ? '' : ` (${event.status})`}`];
    case 'introspection_credentials_refused':
      return [`the introspection endpoint refused the API's client credentials (${event.status})`];
    case 'snapshot_restored':
      return [`key set restored from a snapshot: ${event.keys} key(s), fetched ${event.ageSeconds} s ago`];
    case 'snapshot_rejected':
      return [`snapshot not used: ${event.reason}`];
    case 'replay_store_failed':
      return ['the DPoP replay store did not answer'];
    case 'verification_failed':
      return [];
  }
}
