/**
 * Burns an accepted proof (RFC 9449 section 11.1): the last step, after every other check passed, so a
 * proof refused for another reason is not used up. One atomic `markOnce` decides; a store that
 * cannot answer refuses the request (503), because accepting would let a replay through. Each
 * check is published on the `tokenward:dpop-replay` channel while something listens.
 */
import { TokenwardError } from '../../errors.js';
import { type EventHandler, emit } from '../../events.js';
import type { ReplayStore } from '../../store.js';
import { isTraced, type Tracing, traceOperation } from '../tracing/channels.js';
import { type DpopReplayTrace, dpopReplayTrace } from '../tracing/dpop-replay.js';

export async function burnProof(
  store: ReplayStore,
  key: string,
  ttlMs: number,
  onEvent: EventHandler | undefined,
  tracing: Tracing | undefined,
): Promise<void> {
  const channel = tracing?.dpopReplay;
  let mark: 'fresh' | 'replayed';
  if (isTraced(channel)) {
    const trace = dpopReplayTrace(store);
    mark = await traceOperation(
      channel,
      trace,
      () => markOnce(store, key, ttlMs, onEvent, trace),
      (context, answer) => {
        context.replay = answer;
      },
    );
  } else {
    mark = await markOnce(store, key, ttlMs, onEvent, undefined);
  }
  if (mark === 'replayed') {
    throw new TokenwardError(
      'ERR_DPOP_REPLAYED',
      'DPoP proof was already used (same key and jti); send a new proof with every request (RFC 9449 section 11.1)',
    );
  }
}

/** The store's answer for `key`; `ERR_REPLAY_STORE_UNAVAILABLE` when it has none that reads. */
async function markOnce(
  store: ReplayStore,
  key: string,
  ttlMs: number,
  onEvent: EventHandler | undefined,
  trace: DpopReplayTrace | undefined,
): Promise<'fresh' | 'replayed'> {
  const storeFailed = (message: string, cause: unknown) => {
    if (trace !== undefined) trace.replay = 'store-failed';
    emit(onEvent, { type: 'replay_store_failed', message });
    return unavailable(cause);
  };
  let first: unknown;
  try {
    first = await store.markOnce(key, ttlMs);
  } catch (cause) {
    throw storeFailed(cause instanceof Error ? cause.message : String(cause), cause);
  }
  if (typeof first !== 'boolean') {
    throw storeFailed(`markOnce resolved ${typeof first}, not a boolean`, undefined);
  }
  return first ? 'fresh' : 'replayed';
}

function unavailable(cause: unknown): TokenwardError {
  return new TokenwardError(
    'ERR_REPLAY_STORE_UNAVAILABLE',
    'the DPoP proof cannot be checked for reuse right now',
    { cause },
  );
}
