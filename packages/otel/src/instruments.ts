/** The metric instruments this package records into, created once per meter. */
import type { Meter } from '@opentelemetry/api';
import { METRICS } from './names.js';

export function createInstruments(meter: Meter) {
  return {
    verifications: meter.createCounter(METRICS.verifications, {
      description: 'Token verifications, by outcome',
    }),
    verificationDuration: meter.createHistogram(METRICS.verificationDuration, {
      description: 'Time to verify a token',
      unit: 'ms',
    }),
    jwksFetches: meter.createCounter(METRICS.jwksFetches, { description: 'JWK Set fetches, by outcome' }),
    discoveryFetches: meter.createCounter(METRICS.discoveryFetches, {
      description: 'Discovery document fetches, by outcome',
    }),
    jwksStaleServed: meter.createCounter(METRICS.jwksStaleServed, {
      description: 'Verifications served by a stale key set while refreshing it failed',
    }),
    introspections: meter.createCounter(METRICS.introspections, {
      description: 'Introspection verdicts (RFC 7662), from the cache or a call, by outcome',
    }),
    introspectionDuration: meter.createHistogram(METRICS.introspectionDuration, {
      description: 'Time to obtain an introspection verdict',
      unit: 'ms',
    }),
    dpopReplayChecks: meter.createCounter(METRICS.dpopReplayChecks, {
      description: 'DPoP proofs checked against the replay store, by result',
    }),
  };
}

export type Instruments = ReturnType<typeof createInstruments>;
