import type { TokenSet } from '../lib/fixture.js';
import { PROTECTED_PATH, type ServerAuth } from './server-config.js';

async function statusOf(port: number, token?: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}${PROTECTED_PATH}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Aborts the benchmark unless the server answers 200 to the valid token and, when it
 * authenticates, 401 to no token and to every invalid one. Returns what was checked.
 */
export async function proveServer(
  port: number,
  auth: ServerAuth,
  set: TokenSet,
  label: string,
): Promise<string[]> {
  const validStatus = await statusOf(port, set.same);
  if (validStatus !== 200) throw new Error(`${label} answered ${validStatus} to a valid token`);
  if (auth === 'none') return ['valid token: 200'];
  const checked = ['valid token: 200'];
  const refusals = [{ reason: 'no token', token: undefined }, ...set.invalid];
  for (const { reason, token } of refusals) {
    const status = await statusOf(port, token);
    if (status !== 401) throw new Error(`${label} answered ${status} to ${reason}; expected 401`);
    checked.push(`${reason}: 401`);
  }
  return checked;
}
