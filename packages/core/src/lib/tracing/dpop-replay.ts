/** The context of one traced DPoP replay check (`markOnce`), never the proof, its `jti` or key. */
import type { ReplayStore } from '../../store.js';
import type { Timed } from './channels.js';

export interface DpopReplayTrace extends Timed {
  readonly store: string;
  replay: 'fresh' | 'replayed' | 'store-failed' | undefined;
}

export function dpopReplayTrace(store: ReplayStore): DpopReplayTrace {
  return {
    store: typeof store.kind === 'string' ? store.kind : 'custom',
    replay: undefined,
    startedAt: performance.now(),
    durationMs: undefined,
    outcome: undefined,
  };
}
