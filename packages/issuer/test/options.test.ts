import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ReferenceIssuer, startIssuer } from '../src/index.js';

describe('startIssuer options', () => {
  let issuer: ReferenceIssuer | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await issuer?.close();
    issuer = undefined;
  });

  it.each([
    [{ port: -1 }, /port must be/],
    [{ port: 1.5 }, /port must be/],
    [{ alg: 'HS256' as 'RS256' }, /alg must be/],
    [{ servers: ['a/b'] }, /invalid server id "a\/b"/],
    [{ servers: ['org'] }, /invalid server id "org"/],
    [{ servers: ['x', 'x'] }, /duplicate/],
    [{ jwksMaxAge: -5 }, /jwksMaxAge/],
    [{ rotationOverlap: Number.NaN }, /rotationOverlap/],
    [{ clients: [{ clientId: '' }] }, /clientId/],
    [{ host: '' }, /host must be/],
    [{ orgServerLayout: 'okta' as 'vendor' }, /orgServerLayout must be/],
  ])('rejects %j before listening', async (options, message) => {
    await expect(startIssuer(options)).rejects.toThrow(message);
  });

  it('always creates the default server, once', async () => {
    issuer = await startIssuer({ servers: ['default', 'a'] });
    expect(issuer.servers.map((server) => server.id)).toEqual(['default', 'a']);
  });

  it('unpublishes a rotated-out key once rotationOverlap has passed (OK-3)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    issuer = await startIssuer({ rotationOverlap: 600 });
    const server = issuer.server('default');
    const oldKid = server.activeKid;
    const { kid } = server.rotateKeys();
    vi.setSystemTime(new Date('2030-01-01T00:09:59Z'));
    expect(server.jwks().keys.map((key) => key.kid)).toEqual([oldKid, kid]);
    vi.setSystemTime(new Date('2030-01-01T00:10:00Z'));
    expect(server.jwks().keys.map((key) => key.kid)).toEqual([kid]);
  });

  it('keeps rotated-out keys until retired with rotationOverlap Infinity', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    issuer = await startIssuer({ rotationOverlap: Number.POSITIVE_INFINITY });
    const server = issuer.server('default');
    const oldKid = server.activeKid;
    server.rotateKeys();
    vi.setSystemTime(Date.now() + 365 * 24 * 3600 * 1000);
    expect(server.jwks().keys.map((key) => key.kid)).toContain(oldKid);
  });

  it('closes idempotently', async () => {
    const started = await startIssuer();
    await Promise.all([started.close(), started.close()]);
    await expect(fetch(started.orgServer.discoveryUrl)).rejects.toThrow();
  });
});
