/**
 * Burns an accepted proof (RFC 9449 section 11.1): the last step, after every other check passed, so a
 * proof refused for another reason is not used up. One atomic `markOnce` decides; a store that
 * cannot answer refuses the request (503), because accepting would let a replay through.
 */
import { TokenwardError } from '../../errors.js';
import { type EventHandler, emit } from '../../events.js';
import type { ReplayStore } from '../../store.js';

export async function burnProof(
  store: ReplayStore,
  key: string,
  ttlMs: number,
  onEvent: EventHandler | undefined,
): Promise<void> {
  let first: unknown;
  try {
    first = await store.markOnce(key, ttlMs);
  } catch (cause) {
    emit(onEvent, {
      type: 'replay_store_failed',
      message: cause instanceof Error ? cause.message : String(cause),
    });
    throw unavailable(cause);
  }
  if (first === false) {
    throw new TokenwardError(
      'ERR_DPOP_REPLAYED',
      'DPoP proof was already used (same key and jti); send a new proof with every request (RFC 9449 section 11.1)',
    );
  }
  if (first !== true) {
    emit(onEvent, {
      type: 'replay_store_failed',
      message: `markOnce resolved ${typeof first}, not a boolean`,
    });
    throw unavailable(undefined);
  }
}

function unavailable(cause: unknown): TokenwardError {
  return new TokenwardError(
    'ERR_REPLAY_STORE_UNAVAILABLE',
    'the DPoP proof cannot be checked for reuse right now',
    {
      cause,
    },
  );
}
