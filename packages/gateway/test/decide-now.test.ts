/**
 * A decision core answers at once (a token verified before, keys in memory) sets no deadline
 * timer: the deadline guards waiting, and a timer per cached decision cost about 1.5 µs of its 4.
 */
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decide } from '../src/lib/decision/decide.js';
import { type LoadedPolicy, loadPolicy } from '../src/lib/policy/load.js';
import type { OriginalRequest } from '../src/lib/request/original-request.js';
import { tempFiles } from './support/files.js';

describe('decide', () => {
  const files = tempFiles();
  let issuer: ReferenceIssuer;
  let policy: LoadedPolicy;
  beforeAll(async () => {
    issuer = await startIssuer({ port: 0, servers: ['default'] });
    const text = `issuers:
  orders:
    issuer: ${issuer.server('default').issuer}
    audience: api://default
routes:
  - match: { path: /orders/** }
    issuer: orders
    scopes: [orders:read]
`;
    policy = await loadPolicy(files.write('policy.yaml', text), { onEvent: () => {} });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await issuer?.close();
    files.remove();
  });

  const request = (token: string): OriginalRequest => ({
    method: 'GET',
    scheme: 'http',
    authority: 'api.example.com',
    target: '/orders/1',
    headers: { authorization: `Bearer ${token}` },
  });

  it('sets no timer for a token it can decide at once, and one while it waits for keys', async () => {
    const token = await issuer.server('default').mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const timers = vi.spyOn(globalThis, 'setTimeout');
    // The first decision fetches discovery and the key set: it waits, under the deadline.
    expect(await decide(policy, request(token), 12)).toMatchObject({ allowed: true });
    expect(timers.mock.calls.some(([, delay]) => delay === 12_000)).toBe(true);
    timers.mockClear();
    expect(await decide(policy, request(token), 12)).toMatchObject({ allowed: true });
    const refused = await decide(policy, request(`${token.slice(0, -4)}AAAA`), 12);
    expect(refused).toMatchObject({ allowed: false, error: { code: 'ERR_SIGNATURE_INVALID' } });
    expect(timers).not.toHaveBeenCalled();
  });
});
