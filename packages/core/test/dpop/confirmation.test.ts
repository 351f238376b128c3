/**
 * Tokens bound by a confirmation method tokenward cannot check (RFC 8705 §3 `x5t#S256`, RFC 7800 §3
 * `jwk`/`jwe`/`jku`/`kid`) are refused on every path, never accepted as bearer tokens; `cnf.jkt`
 * goes through DPoP as before and an empty `cnf` binds nothing.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACING_CHANNELS } from '../../src/tracing.js';
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
// A value the messages must never repeat.
const THUMBPRINT = 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2';
const CERT_BOUND = { cnf: { 'x5t#S256': THUMBPRINT } };
let setup: DpopSetup;
let key: ClientKey;

beforeAll(async () => {
  setup = await startDpopSetup(clock);
  key = await clientKey();
});
afterAll(() => setup?.issuer.close());

/** The synchronous refusal of `run`. */
function thrownBy(run: () => unknown): Awaited<ReturnType<typeof refusalOf>> {
  try {
    run();
  } catch (error) {
    return error as Awaited<ReturnType<typeof refusalOf>>;
  }
  throw new Error('expected a refusal');
}

describe('a token bound to a client certificate (RFC 8705 §3) or another uncheckable key', () => {
  it('DP-5: a x5t#S256-bound token is refused as a bearer token, 401 invalid_token, value not echoed', async () => {
    for (const dpop of [undefined, { mode: 'allowed', origins: [ORIGIN] }] as const) {
      const failure = await refusalOf(setup.verifier(dpop).verify(await setup.unbound(CERT_BOUND)));
      expect(failure).toMatchObject({ code: 'ERR_DPOP_BINDING_MISMATCH', status: 401 });
      expect(failure.message).toMatch(/client certificate .*RFC 8705 section 3/);
      expect(failure.message).not.toContain(THUMBPRINT);
      expect(failure.headers['WWW-Authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
      expect(failure.headers['WWW-Authenticate']).not.toContain(THUMBPRINT);
    }
  });

  it('DP-5: verifySync refuses it too', async () => {
    const verifier = setup.verifier(undefined);
    await verifier.warm();
    const token = await setup.unbound(CERT_BOUND);
    expect(thrownBy(() => verifier.verifySync(token)).code).toBe('ERR_DPOP_BINDING_MISMATCH');
  });

  it('DP-5: the refused token is not cached (a second try verifies it afresh)', async () => {
    const verifier = setup.verifier(undefined);
    const token = await setup.unbound(CERT_BOUND);
    const hits: unknown[] = [];
    const handlers = {
      error: (context: object) => hits.push((context as { cacheHit?: unknown }).cacheHit),
    } as unknown as Parameters<ReturnType<typeof tracingChannel>['subscribe']>[0];
    tracingChannel(TRACING_CHANNELS.verify).subscribe(handlers);
    try {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        expect((await refusalOf(verifier.verify(token))).code).toBe('ERR_DPOP_BINDING_MISMATCH');
      }
    } finally {
      tracingChannel(TRACING_CHANNELS.verify).unsubscribe(handlers);
    }
    expect(hits).toEqual([false, false]);
  });

  it('DP-5: a token bound to a key by jwk, jwe, jku, kid or an unknown method is refused, naming the member', async () => {
    const verifier = setup.verifier({ mode: 'allowed', origins: [ORIGIN] });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ jwk: key.publicJwk }, /cnf\.jwk, RFC 7800 section 3\.2/],
      [{ jwe: 'eyJhbGciOiJSU0EtT0FFUCJ9.x.y.z.w' }, /cnf\.jwe, RFC 7800 section 3\.3/],
      [{ kid: 'client-key-1' }, /cnf\.kid, RFC 7800 section 3\.4/],
      [{ jku: 'https://client.example/jwks' }, /cnf\.jku, RFC 7800 section 3\.5/],
      [{ 'x5t#S512': 'abc' }, /cnf\["x5t#S512"\], which this API does not know/],
    ];
    for (const [cnf, named] of cases) {
      const failure = await refusalOf(verifier.verify(await setup.unbound({ cnf })));
      expect(failure.code, JSON.stringify(cnf)).toBe('ERR_DPOP_BINDING_MISMATCH');
      expect(failure.message).toMatch(named);
    }
  });

  it('DP-4: sent with the DPoP scheme it is refused as well', async () => {
    const verifier = setup.verifier({ mode: 'allowed', origins: [ORIGIN] });
    const token = await setup.unbound(CERT_BOUND);
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    const failure = await refusalOf(
      verifier.verify(token, { dpop: { proof, method: 'GET', url: URL_PATH } }),
    );
    expect(failure.code).toBe('ERR_DPOP_BINDING_MISMATCH');
    expect(failure.message).toMatch(/client certificate/);
  });

  it('DP-4, DP-5: cnf.jkt beside x5t#S256 goes through DPoP as before', async () => {
    const verifier = setup.verifier({ mode: 'allowed', origins: [ORIGIN] });
    const token = await setup.bound(key, { cnf: { jkt: key.thumbprint, 'x5t#S256': THUMBPRINT } });
    const proof = await proofFor(key, clock.seconds(), { accessToken: token });
    const result = await verifier.verify(token, { dpop: { proof, method: 'GET', url: URL_PATH } });
    expect(result.dpop?.thumbprint).toBe(key.thumbprint);
    const asBearer = await refusalOf(verifier.verify(token));
    expect(asBearer.code).toBe('ERR_DPOP_BINDING_MISMATCH');
    expect(asBearer.message).toMatch(/DPoP-bound \(cnf\.jkt\)/);
  });

  it('an empty cnf binds nothing: the token is a bearer token', async () => {
    const token = await setup.unbound({ cnf: {} });
    expect((await setup.verifier(undefined).verify(token)).subject).toBe('alice');
  });

  it('DP-5, IN-2: an introspected certificate-bound token is refused the same way', async () => {
    const verifier = setup.verifier(
      { mode: 'allowed', origins: [ORIGIN] },
      { introspection: { mode: 'fallback', clientId: 'test-client', clientSecret: 'test-secret' } },
    );
    const token = await setup.issuer
      .server('default')
      .mintAccessToken({ sub: 'alice', scp: ['orders:read'], ...CERT_BOUND }, { format: 'opaque' });
    const failure = await refusalOf(verifier.verify(token));
    expect(failure).toMatchObject({ code: 'ERR_DPOP_BINDING_MISMATCH', status: 401 });
    expect(failure.message).toMatch(/client certificate .*RFC 8705 section 3/);
    expect(failure.message).not.toContain(THUMBPRINT);
  });
});
