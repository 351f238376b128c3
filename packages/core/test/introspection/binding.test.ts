/**
 * The binding an introspection answer gives a token (RFC 7662 §2.2 with RFC 9449 §6.2 `cnf.jkt`,
 * RFC 8705 §3.2 `cnf["x5t#S256"]`), against the reference issuer's introspection endpoint: in
 * `mode: 'always'` the answer may not bind a locally verified JWT more tightly than the JWT
 * itself; an opaque token is bound exactly as its answer says; and a cached answer is held to
 * the same rules on every use.
 *
 * Answers that disagree with the token are the issuer's real answer with only its binding
 * changed, served once by the issuer's fault hook (its own endpoint copies a JWT's `cnf`).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AccessTokenVerifier, createIntrospectionVerifier } from '../../src/node.js';
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
} from '../dpop/support.js';

const CLIENT = { clientId: 'test-client', clientSecret: 'test-secret' } as const;
// A certificate thumbprint the messages must never repeat.
const CERT_THUMBPRINT = 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2';

const clock = manualClock();
let setup: DpopSetup;
let key: ClientKey;
let otherKey: ClientKey;

beforeAll(async () => {
  setup = await startDpopSetup(clock);
  [key, otherKey] = await Promise.all([clientKey(), clientKey()]);
});
afterEach(() => setup.issuer.clearFaults());
afterAll(() => setup.issuer.close());

const introspections = () => setup.issuer.requestCount({ server: 'default', endpoint: 'introspect' });

function verifierFor(mode: 'always' | 'fallback'): AccessTokenVerifier {
  return setup.verifier({ mode: 'allowed', origins: [ORIGIN] }, { introspection: { mode, ...CLIENT } });
}

/** `token` presented with the DPoP scheme and a proof by `signer`. */
async function withProof(token: string, signer: ClientKey) {
  const proof = await proofFor(signer, clock.seconds(), { accessToken: token });
  return { dpop: { proof, method: 'GET', url: URL_PATH } };
}

/** What an introspection endpoint of the issuer (default: `default`'s) answers about `token`, asked as the verifier asks. */
async function realAnswer(
  token: string,
  endpoint = setup.issuer.server('default').introspectionEndpoint,
): Promise<Record<string, unknown>> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa(`${CLIENT.clientId}:${CLIENT.clientSecret}`)}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }),
  });
  return (await response.json()) as Record<string, unknown>;
}

/**
 * The issuer's next answer about `token`: its real one with `binding` in place of its `cnf` and
 * `token_type` (`undefined` removes a member).
 */
async function answerOnceWith(token: string, binding: { cnf?: unknown; token_type?: string }) {
  const answer: Record<string, unknown> = { ...(await realAnswer(token)), ...binding };
  expect(answer.active).toBe(true);
  for (const name of ['cnf', 'token_type'] as const) if (answer[name] === undefined) delete answer[name];
  setup.issuer.setFault({
    server: 'default',
    endpoint: 'introspect',
    body: JSON.stringify(answer),
    times: 1,
  });
}

describe("mode 'always': the issuer's answer may not bind the token more tightly than the token does", () => {
  it('IN-7, DP-5: an unbound JWT the answer binds to a key (cnf.jkt) is refused as a bearer token and with a proof', async () => {
    const verifier = verifierFor('always');
    const token = await setup.unbound();
    for (const call of [undefined, await withProof(token, key)]) {
      await answerOnceWith(token, { cnf: { jkt: key.thumbprint }, token_type: 'DPoP' });
      const refused = await refusalOf(verifier.verify(token, call));
      expect(refused).toMatchObject({ code: 'ERR_DPOP_BINDING_MISMATCH', status: 401 });
      expect(refused.message).toMatch(
        /introspection response binds the token to a DPoP key \(cnf\.jkt\), but the token itself carries no cnf\.jkt/,
      );
      expect(refused.message).not.toContain(key.thumbprint);
      expect(refused.headers['WWW-Authenticate']).toMatch(/error="invalid_token"/);
    }
  });

  it("IN-7, DP-3: a JWT bound to one key that the answer binds to another is refused, even with a proof by the token's key", async () => {
    const verifier = verifierFor('always');
    const token = await setup.bound(key);
    await answerOnceWith(token, { cnf: { jkt: otherKey.thumbprint } });
    const refused = await refusalOf(verifier.verify(token, await withProof(token, key)));
    expect(refused).toMatchObject({ code: 'ERR_DPOP_BINDING_MISMATCH', status: 401 });
    expect(refused.message).toMatch(/another DPoP key \(cnf\.jkt\) than the token's own/);
    for (const value of [key.thumbprint, otherKey.thumbprint]) expect(refused.message).not.toContain(value);
    expect(refused.headers['WWW-Authenticate']).toMatch(
      /^DPoP realm="api", algs="[^"]+", error="invalid_token"/,
    );
  });

  it('IN-7, DP-5: a JWT the answer binds to a client certificate (x5t#S256) is refused, bound to a key or not', async () => {
    const verifier = verifierFor('always');
    const cases = [
      { token: await setup.unbound(), call: undefined },
      { token: await setup.bound(key), call: 'proof' as const },
    ];
    for (const { token, call } of cases) {
      await answerOnceWith(token, { cnf: { 'x5t#S256': CERT_THUMBPRINT }, token_type: 'Bearer' });
      const refused = await refusalOf(
        verifier.verify(token, call === undefined ? undefined : await withProof(token, key)),
      );
      expect(refused).toMatchObject({ code: 'ERR_DPOP_BINDING_MISMATCH', status: 401 });
      expect(refused.message).toMatch(
        /introspection response binds the token to a client certificate \(cnf\["x5t#S256"\], RFC 8705 section 3\)/,
      );
      expect(refused.message).not.toContain(CERT_THUMBPRINT);
    }
  });

  it("IN-2: an answer whose cnf is no object is the server's malformed answer, 503 naming the member, not a verdict on the token", async () => {
    const verifier = verifierFor('always');
    const token = await setup.unbound();
    await answerOnceWith(token, { cnf: 'bound' });
    const refused = await refusalOf(verifier.verify(token));
    expect(refused).toMatchObject({ code: 'ERR_INTROSPECTION_FAILED', status: 503 });
    expect(refused.message).toMatch(
      /answered "active": true with a malformed "cnf": expected a JSON object; found string$/,
    );
  });

  it('IN-7, DP-3: an answer that agrees (the issuer copies cnf.jkt) admits the proof by that key; a bearer presentation is still refused', async () => {
    const verifier = verifierFor('always');
    const token = await setup.bound(key);
    expect(await realAnswer(token)).toMatchObject({ cnf: { jkt: key.thumbprint }, token_type: 'DPoP' });
    const before = introspections();
    const result = await verifier.verify(token, await withProof(token, key));
    expect(result.dpop?.thumbprint).toBe(key.thumbprint);
    expect(introspections()).toBe(before + 1);
    expect((await refusalOf(verifier.verify(token))).code).toBe('ERR_DPOP_BINDING_MISMATCH');
  });

  it("IN-7: an answer silent about the binding leaves the token's own cnf.jkt in force", async () => {
    const verifier = verifierFor('always');
    const token = await setup.bound(key);
    await answerOnceWith(token, { cnf: undefined, token_type: 'Bearer' });
    expect((await verifier.verify(token, await withProof(token, key))).dpop?.thumbprint).toBe(key.thumbprint);
    // The cached answer, again: the token's binding still refuses a bearer presentation.
    expect((await refusalOf(verifier.verify(token))).message).toMatch(
      /DPoP-bound \(cnf\.jkt\) but was sent as a bearer token/,
    );
  });

  it('IN-7, IN-4: a cached answer is held to the token on every use, without asking again', async () => {
    const verifier = verifierFor('always');
    const token = await setup.unbound();
    await answerOnceWith(token, { cnf: { jkt: key.thumbprint }, token_type: 'DPoP' });
    const before = introspections();
    for (let use = 0; use < 3; use += 1) {
      expect((await refusalOf(verifier.verify(token))).code).toBe('ERR_DPOP_BINDING_MISMATCH');
    }
    // One question: the issuer's own endpoint (which would now answer unbound) was never asked.
    expect(introspections()).toBe(before + 1);
  });
});

describe('an opaque token is bound as its introspection answer says', () => {
  it('IN-7, DP-5: a certificate-bound answer refuses the token whichever scheme it comes with', async () => {
    const verifier = verifierFor('fallback');
    const token = await setup.issuer
      .server('default')
      .mintAccessToken({ sub: 'alice', cnf: { 'x5t#S256': CERT_THUMBPRINT } }, { format: 'opaque' });
    expect(await realAnswer(token)).toMatchObject({
      cnf: { 'x5t#S256': CERT_THUMBPRINT },
      token_type: 'Bearer',
    });
    for (const call of [undefined, await withProof(token, key)]) {
      const refused = await refusalOf(verifier.verify(token, call));
      expect(refused).toMatchObject({ code: 'ERR_DPOP_BINDING_MISMATCH', status: 401 });
      expect(refused.message).toMatch(/client certificate \(cnf\["x5t#S256"\], RFC 8705 section 3\)/);
      expect(refused.message).not.toContain(CERT_THUMBPRINT);
    }
  });

  it('IN-7, IN-4: a certificate-bound answer is cached and refused on every use, so a replayed token costs the issuer one question', async () => {
    const verifier = verifierFor('fallback');
    const token = await setup.issuer
      .server('default')
      .mintAccessToken({ sub: 'alice', cnf: { 'x5t#S256': CERT_THUMBPRINT } }, { format: 'opaque' });
    const before = introspections();
    for (let use = 0; use < 3; use += 1) {
      expect((await refusalOf(verifier.verify(token))).code).toBe('ERR_DPOP_BINDING_MISMATCH');
    }
    expect(introspections()).toBe(before + 1);
  });

  it('IN-7, DP-5: an answer binding the token by a method this API does not know is refused, naming the member', async () => {
    const verifier = verifierFor('fallback');
    const token = await setup.issuer
      .server('default')
      .mintAccessToken({ sub: 'alice', cnf: { 'x5t#S512': 'abc' } }, { format: 'opaque' });
    const refused = await refusalOf(verifier.verify(token));
    expect(refused.code).toBe('ERR_DPOP_BINDING_MISMATCH');
    expect(refused.message).toMatch(/cnf\["x5t#S512"\], which this API does not know/);
  });

  it('IN-7, DP-3: an answer with token_type DPoP but no cnf.jkt is refused, never taken for a bearer token', async () => {
    const verifier = verifierFor('fallback');
    const token = await setup.issuer
      .server('default')
      .mintAccessToken({ sub: 'alice' }, { format: 'opaque', dpopJkt: key.thumbprint });
    await answerOnceWith(token, { cnf: undefined, token_type: 'DPoP' });
    const refused = await refusalOf(verifier.verify(token));
    expect(refused).toMatchObject({ code: 'ERR_DPOP_BINDING_MISMATCH', status: 401 });
    expect(refused.message).toMatch(/token_type "DPoP" but no cnf\.jkt/);
  });
});

describe('a JWT known only through introspection is bound by its own cnf as well as by the answer', () => {
  const introspectionOnly = () =>
    createIntrospectionVerifier({
      issuer: setup.issuerUrl,
      audience: 'api://default',
      clock: clock.now,
      dpop: { mode: 'allowed', origins: [ORIGIN] },
      introspection: CLIENT,
    });

  it("IN-7, DP-5: a cnf.jkt JWT whose answer leaves cnf out is still refused as a bearer token, and admitted with its key's proof", async () => {
    const verifier = introspectionOnly();
    const token = await setup.bound(key);
    await answerOnceWith(token, { cnf: undefined, token_type: 'Bearer' });
    const refused = await refusalOf(verifier.verify(token));
    expect(refused).toMatchObject({ code: 'ERR_DPOP_BINDING_MISMATCH', status: 401 });
    expect(refused.message).toMatch(/DPoP-bound \(cnf\.jkt\) but was sent as a bearer token/);
    // The cached answer, with a proof by the token's key.
    const result = await verifier.verify(token, await withProof(token, key));
    expect(result.dpop?.thumbprint).toBe(key.thumbprint);
    expect(result.header).toBeUndefined();
  });

  it('IN-7, DP-5: a certificate-bound JWT is refused even when its answer is silent about the certificate', async () => {
    const verifier = introspectionOnly();
    const token = await setup.unbound({ cnf: { 'x5t#S256': CERT_THUMBPRINT } });
    await answerOnceWith(token, { cnf: undefined, token_type: 'Bearer' });
    const refused = await refusalOf(verifier.verify(token));
    expect(refused).toMatchObject({ code: 'ERR_DPOP_BINDING_MISMATCH', status: 401 });
    expect(refused.message).toMatch(/^the token is bound to a client certificate/);
    expect(refused.message).not.toContain(CERT_THUMBPRINT);
  });

  it('IN-7, DP-3: an answer binding the JWT to another key is refused, as in mode always', async () => {
    const verifier = introspectionOnly();
    const token = await setup.bound(key);
    await answerOnceWith(token, { cnf: { jkt: otherKey.thumbprint } });
    const refused = await refusalOf(verifier.verify(token, await withProof(token, key)));
    expect(refused.code).toBe('ERR_DPOP_BINDING_MISMATCH');
    expect(refused.message).toMatch(/another DPoP key \(cnf\.jkt\) than the token's own/);
  });

  it("IN-7, IN-Okta: an org-server JWT bound to a key is refused as a bearer token when the org server's answer leaves cnf out", async () => {
    const verifier = setup.verifier(
      { mode: 'allowed', origins: [ORIGIN] },
      { introspection: { mode: 'fallback', ...CLIENT, orgServer: CLIENT } },
    );
    const org = setup.issuer.orgServer;
    const token = await org.mintAccessToken({ sub: 'alice' }, { dpopJkt: key.thumbprint });
    const { cnf, ...silent } = await realAnswer(token, org.introspectionEndpoint);
    expect({ active: silent.active, cnf }).toEqual({ active: true, cnf: { jkt: key.thumbprint } });
    setup.issuer.setFault({
      server: 'org',
      endpoint: 'introspect',
      body: JSON.stringify({ ...silent, token_type: 'Bearer' }),
      times: 1,
    });
    expect((await refusalOf(verifier.verify(token))).code).toBe('ERR_DPOP_BINDING_MISMATCH');
  });
});
