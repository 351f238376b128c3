/** Stateless server nonces (RFC 9449 §8, §9), on a hand-moved clock. */
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

const KEY_A = 'aaaaaaaaaaaaaaaanonce-secret-of-the-current-key';
const KEY_B = 'bbbbbbbbbbbbbbbbnonce-secret-of-the-previous-key';

beforeAll(async () => {
  setup = await startDpopSetup(clock);
  key = await clientKey();
  token = await setup.bound(key);
});

afterAll(async () => {
  await setup?.issuer.close();
});

const request = (proof: string): DpopRequest => ({ proof, method: 'GET', url: URL_PATH });
const withNonces = (nonceKeys: string[]) =>
  setup.verifier({ mode: 'required', origins: [ORIGIN], nonceKeys });

/** Asks without a nonce and returns the one the 401 hands out. */
async function nonceFrom(verifier: ReturnType<typeof withNonces>): Promise<string> {
  const proof = await proofFor(key, clock.seconds(), { accessToken: token });
  const failure = await refusalOf(verifier.verify(token, { dpop: request(proof) }));
  return failure.headers['DPoP-Nonce']!;
}

describe('server nonces (RFC 9449 §9, DP-6)', () => {
  it('a proof without a nonce gets 401 use_dpop_nonce with a DPoP-Nonce header; with it, it passes', async () => {
    const verifier = withNonces([KEY_A]);
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    const failure = await refusalOf(verifier.verify(token, { dpop: request(proof) }));
    expect(failure.code).toBe('ERR_DPOP_NONCE_REQUIRED');
    expect(failure.status).toBe(401);
    expect(failure.headers['WWW-Authenticate']).toMatch(
      /^DPoP realm="api", algs="[^"]+", error="use_dpop_nonce"/,
    );
    const nonce = failure.headers['DPoP-Nonce']!;
    expect(failure.headers['Cache-Control']).toBe('no-store');
    expect(nonce).toMatch(/^[\x21\x23-\x5b\x5d-\x7e]+$/);
    const retry = await proofFor(key, clock.seconds(), { accessToken: token, claims: { nonce } });
    const result = await verifier.verify(token, { dpop: request(retry) });
    expect(result.dpop).toEqual({ thumbprint: key.thumbprint });
  });

  it('another instance with the same keys accepts the nonce (stateless)', async () => {
    const nonce = await nonceFrom(withNonces([KEY_A]));
    const proof = await proofFor(key, clock.seconds(), { accessToken: token, claims: { nonce } });
    expect((await withNonces([KEY_A]).verify(token, { dpop: request(proof) })).dpop).toBeDefined();
  });

  it('a forged nonce, a nonce of other keys and a non-string nonce are refused with a fresh one', async () => {
    const verifier = withNonces([KEY_A]);
    const genuine = await nonceFrom(verifier);
    const stranger = await nonceFrom(withNonces([KEY_B]));
    const forged = `${genuine.slice(0, -1)}${genuine.endsWith('A') ? 'B' : 'A'}`;
    for (const nonce of [forged, stranger, 'made-up', 42]) {
      const proof = await proofFor(key, clock.seconds(), { accessToken: token, claims: { nonce } });
      const failure = await refusalOf(verifier.verify(token, { dpop: request(proof) }));
      expect(failure.code).toBe('ERR_DPOP_NONCE_REQUIRED');
      expect(failure.headers['DPoP-Nonce']).toBe(genuine);
    }
  });

  it('a nonce of the previous step is accepted and answered with a fresh one; older ones are stale', async () => {
    const verifier = withNonces([KEY_A]);
    const nonce = await nonceFrom(verifier);
    clock.advance(60);
    const proof = await proofFor(key, clock.seconds(), { accessToken: token, claims: { nonce } });
    const result = await verifier.verify(token, { dpop: request(proof) });
    expect(result.dpop?.nonce).toBeDefined();
    expect(result.dpop?.nonce).not.toBe(nonce);
    clock.advance(60);
    const stale = await proofFor(key, clock.seconds(), { accessToken: token, claims: { nonce } });
    const failure = await refusalOf(verifier.verify(token, { dpop: request(stale) }));
    expect(failure.code).toBe('ERR_DPOP_NONCE_REQUIRED');
    expect(failure.message).toContain('not a current one');
  });

  it('keys rotate: a nonce made with the old key is accepted while the old key is listed second', async () => {
    const old = await nonceFrom(withNonces([KEY_B]));
    const rotated = withNonces([KEY_A, KEY_B]);
    const proof = await proofFor(key, clock.seconds(), { accessToken: token, claims: { nonce: old } });
    expect((await rotated.verify(token, { dpop: request(proof) })).dpop).toBeDefined();
    // New nonces come from the first key.
    expect(await nonceFrom(rotated)).toBe(await nonceFrom(withNonces([KEY_A])));
  });
});
