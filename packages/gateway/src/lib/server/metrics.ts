/**
 * Prometheus metrics of one gateway (its own registry, so two gateways in a process, as in tests,
 * never mix): decisions by rule and code with their latency, key-set fetches and stale-key serving
 * from core's events, readiness and policy reloads.
 */
import type { TokenwardEvent } from '@tokenward/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Decision } from '../decision/decide.js';

/** Which door a decision came through. */
export type DecisionVia = 'forward_auth' | 'envoy_http' | 'envoy_grpc';

export interface GatewayMetrics {
  readonly registry: Registry;
  recordDecision(decision: Decision, via: DecisionVia, seconds: number): void;
  recordEvent(event: TokenwardEvent): void;
  recordReload(outcome: 'ok' | 'failed'): void;
  setReady(ready: boolean): void;
}

/** Rule label of requests no rule matched (a label must be bounded: never the request's path). */
export const NO_RULE = '(no rule)';

export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tokenward_gateway_' });
  const decisions = new Counter({
    name: 'tokenward_gateway_decisions_total',
    help: 'Authorization decisions, by policy rule and code (OK when allowed).',
    labelNames: ['route', 'code', 'via'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'tokenward_gateway_decision_duration_seconds',
    help: 'Time to decide, from the proxy request read to the answer ready.',
    labelNames: ['outcome'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  const fetches = new Counter({
    name: 'tokenward_gateway_key_set_fetches_total',
    help: 'Key-set (JWKS) and discovery fetches by issuer, what prompted them and how they ended.',
    labelNames: ['issuer', 'reason', 'result'],
    registers: [registry],
  });
  const stale = new Counter({
    name: 'tokenward_gateway_stale_keys_served_total',
    help: 'Verifications that used an expired key set because refreshing it failed (stale-if-error).',
    labelNames: ['issuer'],
    registers: [registry],
  });
  const ready = new Gauge({
    name: 'tokenward_gateway_ready',
    help: '1 when the policy is loaded and every issuer has had its keys fetched, else 0.',
    registers: [registry],
  });
  const reloads = new Counter({
    name: 'tokenward_gateway_policy_reloads_total',
    help: 'Policy reloads (SIGHUP) by outcome; a failed reload keeps the previous policy.',
    labelNames: ['result'],
    registers: [registry],
  });
  return {
    registry,
    recordDecision(decision, via, seconds) {
      const code = decision.allowed ? 'OK' : decision.error.code;
      decisions.inc({ route: decision.rule ?? NO_RULE, code, via });
      latency.observe({ outcome: decision.allowed ? 'allowed' : 'refused' }, seconds);
    },
    recordEvent(event) {
      if (event.type === 'jwks_fetched')
        fetches.inc({ issuer: event.issuer, reason: event.reason, result: 'ok' });
      else if (event.type === 'jwks_refresh_failed')
        fetches.inc({ issuer: event.issuer, reason: 'refresh', result: 'failed' });
      else if (event.type === 'discovery_failed')
        fetches.inc({ issuer: event.issuer, reason: 'discovery', result: 'failed' });
      else if (event.type === 'jwks_stale_served') stale.inc({ issuer: event.issuer });
    },
    recordReload(outcome) {
      reloads.inc({ result: outcome });
    },
    setReady(value) {
      ready.set(value ? 1 : 0);
    },
  };
}
