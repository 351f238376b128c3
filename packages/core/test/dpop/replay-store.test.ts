/** Burning proofs in the replay store: shared stores, and a store that cannot answer (fail closed). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryStore,
  type DpopRequest,
  type ReplayStore,
  type TokenwardEvent,
} from '../../src/node.js';
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

const request = (proof: string): DpopRequest => ({ proof, method: 'GET', url: URL_PATH });

describe('replay store (RFC 9449 §11.1, DP-7)', () => {
  it('two verifiers sharing one store refuse a proof the other accepted', async () => {
    const replayStore = createMemoryStore({ clock: clock.now });
    const first = setup.verifier({ mode: 'required', origins: [ORIGIN], replayStore });
    const second = setup.verifier({ mode: 'required', origins: [ORIGIN], replayStore });
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    await first.verify(token, { dpop: request(proof) });
    expect((await refusalOf(second.verify(token, { dpop: request(proof) }))).code).toBe('ERR_DPOP_REPLAYED');
  });

  it('remembers a jti in the context of its target URI: two APIs sharing a store never collide (RFC 9449 §11.1)', async () => {
    const replayStore = createMemoryStore({ clock: clock.now });
    const orders = setup.verifier({ mode: 'required', origins: [ORIGIN], replayStore });
    const billing = setup.verifier({
      mode: 'required',
      origins: ['https://billing.example.com'],
      replayStore,
    });
    // A client whose jti is unique per server (RFC 9449 §4.2 asks uniqueness "in the same context").
    const jti = { claims: { jti: 'request-1' } };
    const forOrders = await proofFor(key, clock.seconds(), { accessToken: token, ...jti });
    const forBilling = await proofFor(key, clock.seconds(), {
      accessToken: token,
      htu: 'https://billing.example.com/orders',
      ...jti,
    });
    await orders.verify(token, { dpop: request(forOrders) });
    expect((await billing.verify(token, { dpop: request(forBilling) })).dpop?.thumbprint).toBe(
      key.thumbprint,
    );
    // The same jti for another path of the same API is another proof's context too.
    const otherPath = await proofFor(key, clock.seconds(), {
      accessToken: token,
      htu: `${ORIGIN}/invoices`,
      ...jti,
    });
    await orders.verify(token, { dpop: { ...request(otherPath), url: '/invoices' } });
  });

  it('a replay cannot hide behind another spelling of the same request target', async () => {
    const verifier = setup.verifier({ mode: 'required', origins: [ORIGIN] });
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    await verifier.verify(token, { dpop: request(proof) });
    for (const url of ['/%6Frders', '/orders?page=2', 'https://API.example.com:443/orders#x']) {
      const failure = await refusalOf(verifier.verify(token, { dpop: { ...request(proof), url } }));
      expect(failure.code, url).toBe('ERR_DPOP_REPLAYED');
    }
  });

  it('burns the key thumbprint and a digest of jti, for the acceptance window with skew both ways', async () => {
    const calls: [string, number][] = [];
    const replayStore: ReplayStore = {
      markOnce: async (storeKey, ttlMs) => {
        calls.push([storeKey, ttlMs]);
        return true;
      },
    };
    const verifier = setup.verifier({
      mode: 'required',
      origins: [ORIGIN],
      replayStore,
      maxProofAge: 30,
      clockSkew: 2,
    });
    const proof = await proofFor(key, clock.seconds(), { accessToken: token, claims: { jti: 'jti-1' } });
    await verifier.verify(token, { dpop: request(proof) });
    expect(calls).toHaveLength(1);
    const [storeKey, ttlMs] = calls[0]!;
    expect(storeKey).toMatch(new RegExp(`^dpop:${key.thumbprint}:[A-Za-z0-9_-]{43}$`));
    expect(storeKey).not.toContain('jti-1');
    expect(storeKey).not.toContain('orders');
    expect(ttlMs).toBe(34_000);
  });

  it('100 concurrent identical proofs: exactly one is accepted', async () => {
    const verifier = setup.verifier({ mode: 'required', origins: [ORIGIN] });
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, () => verifier.verify(token, { dpop: request(proof) })),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const codes = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [(outcome.reason as { code: string }).code] : [],
    );
    expect(new Set(codes)).toEqual(new Set(['ERR_DPOP_REPLAYED']));
  });

  it('a store that rejects: 503 ERR_REPLAY_STORE_UNAVAILABLE with Retry-After, no internals, an event (fail closed)', async () => {
    const events: TokenwardEvent[] = [];
    const replayStore: ReplayStore = {
      markOnce: () => Promise.reject(new Error('connect ECONNREFUSED 10.1.2.3:6379')),
    };
    const verifier = setup.verifier(
      { mode: 'required', origins: [ORIGIN], replayStore },
      { onEvent: (event) => events.push(event) },
    );
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    const failure = await refusalOf(verifier.verify(token, { dpop: request(proof) }));
    expect(failure.code).toBe('ERR_REPLAY_STORE_UNAVAILABLE');
    expect(failure.status).toBe(503);
    expect(failure.headers['Retry-After']).toBe('30');
    expect(JSON.stringify(failure.headers)).not.toContain('10.1.2.3');
    expect(failure.message).not.toContain('10.1.2.3');
    expect(events).toContainEqual({
      type: 'replay_store_failed',
      message: 'connect ECONNREFUSED 10.1.2.3:6379',
    });
  });

  it('a store that throws synchronously or answers a non-boolean also fails closed', async () => {
    const stores: ReplayStore[] = [
      {
        markOnce: () => {
          throw new Error('boom');
        },
      },
      { markOnce: async () => 'OK' as unknown as boolean },
    ];
    for (const replayStore of stores) {
      const verifier = setup.verifier({ mode: 'required', origins: [ORIGIN], replayStore });
      const proof = await proofFor(key, clock.seconds(), { accessToken: token });
      expect((await refusalOf(verifier.verify(token, { dpop: request(proof) }))).code).toBe(
        'ERR_REPLAY_STORE_UNAVAILABLE',
      );
    }
  });
});
