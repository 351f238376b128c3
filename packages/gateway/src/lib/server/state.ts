/** The running gateway as its servers see it, and the one way every server makes a decision. */
import { isTokenwardError, TokenwardError } from '@tokenward/core';
import { type Decision, decide } from '../decision/decide.js';
import type { LoadedPolicy } from '../policy/load.js';
import type { OriginalRequest } from '../request/original-request.js';
import type { DecisionVia, GatewayMetrics } from './metrics.js';

/** What the endpoints read from the running gateway. */
export interface AuthorizerState {
  policy(): LoadedPolicy;
  ready(): boolean;
  draining(): boolean;
  readonly metrics: GatewayMetrics;
  /** Path prefix of Envoy's HTTP `ext_authz` calls, e.g. `/envoy`. */
  readonly envoyPrefix: string;
  log(line: string): void;
}

/** Makes one decision and records it; a failure that is not a refusal becomes a 500 decision. */
export async function decideAndRecord(
  state: AuthorizerState,
  via: DecisionVia,
  describe: () => OriginalRequest,
): Promise<Decision> {
  const started = performance.now();
  let decision: Decision;
  try {
    decision = await decide(state.policy(), describe());
  } catch (error) {
    if (!isTokenwardError(error)) state.log(`decision failed unexpectedly: ${String(error)}`);
    // The answer's body says only that the authorizer is misconfigured (a 5xx shows no internals).
    else if (error.code === 'ERR_CONFIG') state.log(`cannot decide: ${error.message}`);
    const refusal = isTokenwardError(error)
      ? error
      : new TokenwardError('ERR_CONFIG', 'the authorizer failed unexpectedly', { cause: error });
    decision = { allowed: false, rule: undefined, error: refusal };
  }
  state.metrics.recordDecision(decision, via, (performance.now() - started) / 1000);
  return decision;
}
