/**
 * Opaque tokens when the verifier trusts several issuers: an opaque token names no issuer, so it
 * is introspected at exactly one server, the one `opaqueTokenIssuer` names. The others never see
 * it (it is not theirs to see, and every call spends a rate limit they may share), and a verifier
 * that would have to guess is refused at construction.
 */
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccessTokenVerifierOptions,
  createAccessTokenVerifier,
  createIntrospectionVerifier,
  type IntrospectionOptions,
} from '../../src/node.js';
import { rejectionOf } from '../integration/support.js';

let issuer: ReferenceIssuer;
let orders: AuthServer;
let payments: AuthServer;

beforeAll(async () => {
  issuer = await startIssuer({ port: 0, servers: ['default', 'payments', 'reports'] });
  orders = issuer.server('default');
  payments = issuer.server('payments');
});
afterEach(() => issuer.clearFaults());
afterAll(() => issuer.close());

const ORG_CLIENT = { clientId: 'test-client', clientSecret: 'test-secret' } as const;
const CLIENT = { ...ORG_CLIENT, maxCacheAge: 0 } as const;
const trustBoth = () => [
  { issuer: orders.issuer, audience: orders.audience },
  { issuer: payments.issuer, audience: payments.audience },
];

function bothIssuers(introspection: Partial<IntrospectionOptions>) {
  return createAccessTokenVerifier({
    issuers: trustBoth(),
    introspection: { mode: 'fallback', ...CLIENT, ...introspection },
  } as AccessTokenVerifierOptions);
}

/** Introspection calls each server has answered so far. */
const calls = () => ({
  default: issuer.requestCount({ server: 'default', endpoint: 'introspect' }),
  payments: issuer.requestCount({ server: 'payments', endpoint: 'introspect' }),
  org: issuer.requestCount({ server: 'org', endpoint: 'introspect' }),
});
const callsSince = (before: ReturnType<typeof calls>) => {
  const now = calls();
  return {
    default: now.default - before.default,
    payments: now.payments - before.payments,
    org: now.org - before.org,
  };
};

const configMessage = (build: () => unknown): string => {
  try {
    build();
  } catch (error) {
    expect(error).toMatchObject({ code: 'ERR_CONFIG' });
    return (error as Error).message;
  }
  throw new Error('expected ERR_CONFIG at construction');
};

describe('choosing the one server that introspects opaque tokens (IN-6)', () => {
  it.each(['fallback', 'always'] as const)(
    'IN-6: several issuers in mode %s without opaqueTokenIssuer is ERR_CONFIG saying what to set',
    (mode) => {
      const message = configMessage(() => bothIssuers({ mode }));
      expect(message).toContain('`introspection.opaqueTokenIssuer` is required with 2 issuers');
      expect(message).toContain(JSON.stringify(orders.issuer));
      expect(message).toContain(JSON.stringify(payments.issuer));
    },
  );

  it('IN-6: createIntrospectionVerifier with several issuers needs it too', () => {
    const message = configMessage(() =>
      createIntrospectionVerifier({ issuers: trustBoth(), introspection: CLIENT }),
    );
    expect(message).toContain('opaqueTokenIssuer');
  });

  it('IN-6: an opaqueTokenIssuer that is not a configured issuer, or an org server without orgServer, is ERR_CONFIG', () => {
    const sibling = issuer.server('reports').issuer;
    expect(configMessage(() => bothIssuers({ opaqueTokenIssuer: sibling }))).toMatch(
      /`introspection\.opaqueTokenIssuer` must be a configured issuer, exactly as configured: one of .*; found "http:\/\/127\.0\.0\.1:\d+\/oauth2\/reports"/,
    );
    expect(configMessage(() => bothIssuers({ opaqueTokenIssuer: `${payments.issuer}/` }))).toContain(
      'exactly as configured',
    );
    expect(configMessage(() => bothIssuers({ opaqueTokenIssuer: issuer.orgServer.issuer }))).toContain(
      'must be a configured issuer',
    );
    expect(configMessage(() => bothIssuers({ opaqueTokenIssuer: '' }))).toContain('opaqueTokenIssuer');
  });

  it('IN-6: an opaque token is asked about at the named server only; the other issuer never sees it', async () => {
    const verifier = bothIssuers({ opaqueTokenIssuer: orders.issuer });
    const own = await orders.mintAccessToken({ sub: 'alice', scp: ['orders:read'] }, { format: 'opaque' });
    const before = calls();
    await expect(verifier.verify(own)).resolves.toMatchObject({
      subject: 'alice',
      server: { kind: 'custom', id: 'default' },
    });
    expect(callsSince(before)).toEqual({ default: 1, payments: 0, org: 0 });

    // A token the other trusted server minted is not active at the one asked: refused, not
    // forwarded to every server until one knows it.
    const foreign = await payments.mintAccessToken({ sub: 'bob' }, { format: 'opaque' });
    const refused = await rejectionOf(verifier.verify(foreign));
    expect(refused).toMatchObject({ code: 'ERR_TOKEN_INACTIVE', status: 401 });
    expect(refused.message).not.toContain(foreign);
    expect(callsSince(before)).toEqual({ default: 2, payments: 0, org: 0 });
  });

  it("IN-6: JWTs still go to their own issuer's keys, and in mode always to their own issuer's endpoint", async () => {
    const verifier = bothIssuers({ mode: 'always', opaqueTokenIssuer: orders.issuer });
    const jwt = await payments.mintAccessToken({ sub: 'carol' });
    const before = calls();
    await expect(verifier.verify(jwt)).resolves.toMatchObject({ subject: 'carol', issuer: payments.issuer });
    expect(callsSince(before)).toEqual({ default: 0, payments: 1, org: 0 });
  });

  it('IN-6: when the named server cannot answer, the verdict is 503, never a question to another server', async () => {
    const verifier = bothIssuers({ opaqueTokenIssuer: payments.issuer });
    const token = await payments.mintAccessToken({}, { format: 'opaque' });
    issuer.setFault({ server: 'payments', endpoint: 'introspect', status: 500 });
    const before = calls();
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'ERR_INTROSPECTION_FAILED',
      status: 503,
    });
    expect(callsSince(before)).toEqual({ default: 0, payments: 1, org: 0 });
  });

  it('IN-6: with one custom issuer and an org-server client, opaque tokens go to the custom server only', async () => {
    const verifier = createAccessTokenVerifier({
      issuer: orders.issuer,
      audience: orders.audience,
      introspection: { mode: 'fallback', ...CLIENT, orgServer: ORG_CLIENT },
    });
    const unknown = 'b3BhcXVlLXRva2VuLW5vYm9keS1rbm93cy1hYm91dA';
    const before = calls();
    await expect(verifier.verify(unknown)).rejects.toMatchObject({ code: 'ERR_TOKEN_INACTIVE' });
    expect(callsSince(before)).toEqual({ default: 1, payments: 0, org: 0 });
  });

  it('IN-6: the org server introspects opaque tokens only when opaqueTokenIssuer names it', async () => {
    const verifier = createAccessTokenVerifier({
      issuer: orders.issuer,
      audience: orders.audience,
      introspection: {
        mode: 'fallback',
        ...CLIENT,
        orgServer: ORG_CLIENT,
        opaqueTokenIssuer: issuer.orgServer.issuer,
      },
    });
    const token = await issuer.orgServer.mintAccessToken({ sub: 'dana' }, { format: 'opaque' });
    const before = calls();
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'dana', server: { kind: 'org' } });
    expect(callsSince(before)).toEqual({ default: 0, payments: 0, org: 1 });
  });
});

describe('createIntrospectionVerifier with several issuers (IN-6)', () => {
  const onlyIntrospection = () =>
    createIntrospectionVerifier({
      issuers: trustBoth(),
      introspection: { ...CLIENT, opaqueTokenIssuer: orders.issuer },
    });

  it('IN-6: a JWT is asked about at the configured issuer its iss names, and only there', async () => {
    const jwt = await payments.mintAccessToken({ sub: 'erin' });
    const before = calls();
    await expect(onlyIntrospection().verify(jwt)).resolves.toMatchObject({
      subject: 'erin',
      header: undefined,
    });
    expect(callsSince(before)).toEqual({ default: 0, payments: 1, org: 0 });
  });

  it('IN-6: a JWT naming no configured issuer, or one that does not decode, is refused before anything is sent', async () => {
    const verifier = onlyIntrospection();
    const sibling = await issuer.server('reports').mintAccessToken({});
    const before = calls();
    expect((await rejectionOf(verifier.verify(sibling))).code).toBe('ERR_ISSUER_MISMATCH');
    const org = await issuer.orgServer.mintAccessToken({});
    expect((await rejectionOf(verifier.verify(org))).code).toBe('ERR_ORG_SERVER_TOKEN');
    const garbled = await rejectionOf(verifier.verify('eyJhbGciOiJSUzI1NiJ9.bm90LWpzb24.c2ln'));
    expect(garbled).toMatchObject({ code: 'ERR_TOKEN_MALFORMED', status: 401 });
    expect(garbled.message).toContain('payload is not a base64url-encoded JSON object');
    expect(callsSince(before)).toEqual({ default: 0, payments: 0, org: 0 });
  });
});
