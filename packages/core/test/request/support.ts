import { isTokenwardError, type TokenwardError } from '../../src/node.js';

/** The `TokenwardError` a promise of the request step rejects with. */
export async function refusal(promise: Promise<unknown>): Promise<TokenwardError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isTokenwardError(error)) throw new Error(`expected a TokenwardError; got ${String(error)}`);
  return error;
}

/** The `TokenwardError` that `action` throws. */
export function thrownBy(action: () => unknown): TokenwardError {
  try {
    action();
  } catch (error) {
    if (isTokenwardError(error)) return error;
    throw error;
  }
  throw new Error('expected a TokenwardError to be thrown');
}
