/** The context of one traced introspection (a verdict from the cache or a call), never the token. */
import type { Timed } from './channels.js';

export interface IntrospectTrace extends Timed {
  readonly issuer: string;
  endpointOrigin: string | undefined;
  cacheHit: boolean;
  active: boolean | undefined;
}

/** A context for asking `issuer`; a call clears `cacheHit` when it is made. */
export function introspectTrace(issuer: string): IntrospectTrace {
  return {
    issuer,
    endpointOrigin: undefined,
    cacheHit: true,
    active: undefined,
    startedAt: performance.now(),
    durationMs: undefined,
    outcome: undefined,
  };
}
