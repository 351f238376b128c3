/**
 * An opaque DPoP-bound token, known only through introspection (RFC 9449 section 6.2: the answer
 * carries `cnf.jkt`): the same presentation rules and proof checks as a bound JWT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessTokenVerifier } from '../../src/node.js';
import {
  type ClientKey,
  clientKey,
  type DpopSetup,
  manualClock,
  ORIGIN,
  proofFor,
  refusalOf,
  startDpopSetup,
} from './support.js';

const clock = manualClock();
let setup: DpopSetup;
let key: ClientKey;
let verifier: AccessTokenVerifier;
let token: string;

beforeAll(async () => {
  setup = await startDpopSetup(clock);
  key = await clientKey();
  verifier = setup.verifier(
    { mode: 'allowed', origins: [ORIGIN] },
    { introspection: { mode: 'fallback', clientId: 'test-client', clientSecret: 'test-secret' } },
  );
  token = await setup.issuer
    .server('default')
    .mintAccessToken({ sub: 'alice', scp: ['orders:read'] }, { format: 'opaque', dpopJkt: key.thumbprint });
});
afterAll(() => setup.issuer.close());

const request = async (signer: ClientKey) => ({
  proof: await proofFor(signer, clock.seconds(), { accessToken: token }),
  method: 'GET',
  url: '/orders',
});

describe('an introspected DPoP-bound token (DP-3)', () => {
  it('is accepted with a proof by its key, and the result names that key', async () => {
    const result = await verifier.verify(token, { dpop: await request(key) });
    expect(result).toMatchObject({ subject: 'alice', dpop: { thumbprint: key.thumbprint } });
  });

  it('is refused as a bearer token (DP-5) and with a proof by another key', async () => {
    expect((await refusalOf(verifier.verify(token))).code).toBe('ERR_DPOP_BINDING_MISMATCH');
    const refused = await refusalOf(verifier.verify(token, { dpop: await request(await clientKey()) }));
    expect(refused.code).toBe('ERR_DPOP_BINDING_MISMATCH');
    expect(refused.headers['WWW-Authenticate']).toMatch(
      /^DPoP realm="api", algs="[^"]+", error="invalid_token"/,
    );
  });
});
