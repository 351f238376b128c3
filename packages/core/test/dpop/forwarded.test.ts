/**
 * Where `htu`'s origin comes from: configured origins, or forwarded headers only from a proxy the
 * configuration trusts, never from a Host or X-Forwarded-Host a client chose (RFC 9449 §4.3 check 9).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DpopRequest } from '../../src/node.js';
import {
  type ClientKey,
  clientKey,
  type DpopSetup,
  manualClock,
  ORIGIN,
  proofFor,
  refusalOf,
  startDpopSetup,
  URL_PATH,
} from './support.js';

const clock = manualClock();
let setup: DpopSetup;
let key: ClientKey;
let token: string;

beforeAll(async () => {
  setup = await startDpopSetup(clock);
  key = await clientKey();
  token = await setup.bound(key);
});

afterAll(async () => {
  await setup?.issuer.close();
});

const forwarded = (host: string, extra: Partial<DpopRequest> = {}) => ({
  headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': host },
  ...extra,
});

async function attempt(dpop: Parameters<DpopSetup['verifier']>[0], htu: string, extra: Partial<DpopRequest>) {
  const proof = await proofFor(key, clock.seconds(), { accessToken: token, htu });
  return setup.verifier(dpop).verify(token, { dpop: { proof, method: 'GET', url: URL_PATH, ...extra } });
}

describe('htu origin from forwarded headers (RFC 9449 §4.3 check 9)', () => {
  it('trustForwardedHeaders: true takes the origin from X-Forwarded-Proto and -Host (first hop)', async () => {
    const dpop = { mode: 'required' as const, trustForwardedHeaders: true };
    const result = await attempt(dpop, 'https://tenant.example.com/orders', {
      headers: {
        'x-forwarded-proto': 'https, http',
        'x-forwarded-host': 'tenant.example.com, internal:8080',
      },
    });
    expect(result.dpop?.thumbprint).toBe(key.thumbprint);
    const failure = await refusalOf(
      attempt(dpop, 'https://tenant.example.com/orders', forwarded('other.example.com')),
    );
    expect(failure.message).toContain(
      '"htu" names the origin "https://tenant.example.com"; expected "https://other.example.com"',
    );
  });

  it('with origins configured too, a spoofed X-Forwarded-Host outside them is refused', async () => {
    const dpop = { mode: 'required' as const, trustForwardedHeaders: true, origins: [ORIGIN] };
    const failure = await refusalOf(
      attempt(dpop, 'https://evil.example.com/orders', forwarded('evil.example.com')),
    );
    expect(failure.code).toBe('ERR_DPOP_PROOF_INVALID');
    expect(failure.message).toContain(
      'the forwarded origin "https://evil.example.com" is not one of dpop.origins',
    );
    expect((await attempt(dpop, `${ORIGIN}/orders`, forwarded('api.example.com'))).dpop).toBeDefined();
  });

  it('without forwarded headers, trusted-proxy mode falls back to origins, or refuses when there are none', async () => {
    expect(
      (
        await attempt(
          { mode: 'required', trustForwardedHeaders: true, origins: [ORIGIN] },
          `${ORIGIN}/orders`,
          {},
        )
      ).dpop,
    ).toBeDefined();
    const failure = await refusalOf(
      attempt({ mode: 'required', trustForwardedHeaders: true }, `${ORIGIN}/orders`, {}),
    );
    expect(failure.message).toContain('no X-Forwarded-Proto and X-Forwarded-Host from a trusted proxy');
  });

  it('a proxy list trusts forwarded headers only from those peers', async () => {
    const dpop = { mode: 'required' as const, trustForwardedHeaders: ['10.0.0.5'], origins: [ORIGIN] };
    const proxied = await attempt(
      dpop,
      `${ORIGIN}/orders`,
      forwarded('api.example.com', { remoteAddress: '::ffff:10.0.0.5' }),
    );
    expect(proxied.dpop).toBeDefined();
    // From anyone else the headers are ignored, so the configured origin applies.
    const direct = await refusalOf(
      attempt(
        dpop,
        'https://evil.example.com/orders',
        forwarded('evil.example.com', { remoteAddress: '203.0.113.9' }),
      ),
    );
    expect(direct.message).toContain(
      '"htu" names the origin "https://evil.example.com"; expected "https://api.example.com"',
    );
  });

  it('malformed forwarded values are refused, not guessed at', async () => {
    const dpop = { mode: 'required' as const, trustForwardedHeaders: true };
    for (const headers of [
      { 'x-forwarded-proto': 'ftp', 'x-forwarded-host': 'api.example.com' },
      { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com/path' },
      { 'x-forwarded-proto': 'https' },
    ]) {
      const failure = await refusalOf(attempt(dpop, `${ORIGIN}/orders`, { headers }));
      expect(failure.message).toContain(
        'X-Forwarded-Proto and X-Forwarded-Host do not name an http(s) origin',
      );
    }
  });
});
