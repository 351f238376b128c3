import { AsyncLocalStorage } from 'node:async_hooks';
import { channel, tracingChannel } from 'node:diagnostics_channel';
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier as createWebVerifier } from '../../src/index.js';
import { createAccessTokenVerifier, createIdTokenVerifier } from '../../src/node.js';
import { TRACING_CHANNELS } from '../../src/tracing.js';

let org: ReferenceIssuer;
let def: AuthServer;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default'] });
  def = org.server('default');
});
afterAll(() => org.close());

type Recorded = { channel: string; event: string; context: Record<string, unknown> };
const EVENTS = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;
let unsubscribe: Array<() => void> = [];

/** Records every event of the three tracing channels, with a snapshot of the context at that moment. */
function record(): Recorded[] {
  const recorded: Recorded[] = [];
  for (const name of [TRACING_CHANNELS.verify, TRACING_CHANNELS.discovery, TRACING_CHANNELS.jwks]) {
    const handlers = Object.fromEntries(
      EVENTS.map((event) => [
        event,
        (context: object) => recorded.push({ channel: name, event, context: { ...context } }),
      ]),
    ) as unknown as Parameters<ReturnType<typeof tracingChannel>['subscribe']>[0];
    tracingChannel(name).subscribe(handlers);
    unsubscribe.push(() => tracingChannel(name).unsubscribe(handlers));
  }
  return recorded;
}
afterEach(() => {
  for (const undo of unsubscribe) undo();
  unsubscribe = [];
});

const on = (recorded: Recorded[], name: string) => recorded.filter((entry) => entry.channel === name);

describe('tracing channels (diagnostics_channel TracingChannel)', () => {
  it('publish a cold verification with its discovery and key-set fetches, never the token', async () => {
    const recorded = record();
    const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });
    const token = await def.mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    await verifier.verify(token);

    const verify = on(recorded, TRACING_CHANNELS.verify);
    expect(verify.map((entry) => entry.event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    const [, kid] = /"kid":"([^"]+)"/.exec(Buffer.from(token.split('.')[0]!, 'base64url').toString())!;
    expect(verify.at(-1)!.context).toMatchObject({
      kind: 'access_token',
      issuer: def.issuer,
      kid,
      alg: 'RS256',
      outcome: 'ok',
      cacheHit: false,
      durationMs: expect.any(Number),
    });
    expect(on(recorded, TRACING_CHANNELS.discovery).at(-1)!.context).toMatchObject({
      issuer: def.issuer,
      jwksUri: expect.stringContaining(def.issuer.replace(/\/oauth2\/default$/, '')),
      outcome: 'ok',
    });
    expect(on(recorded, TRACING_CHANNELS.jwks).at(-1)!.context).toMatchObject({
      issuer: def.issuer,
      reason: 'initial',
      keys: expect.any(Number),
      outcome: 'ok',
    });
    // Neither the token nor any part of it (header, claims, signature) reaches a subscriber.
    const published = JSON.stringify(recorded);
    for (const part of token.split('.')) expect(published).not.toContain(part);
    expect(published).not.toContain('alice');
  });

  it('publish a warm verification synchronously (end carries the outcome) and mark a cache hit', async () => {
    const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });
    const token = await def.mintAccessToken();
    await verifier.verify(token);
    const recorded = record();
    await verifier.verify(token);
    expect(recorded.map((entry) => entry.event)).toEqual(['start', 'end']);
    expect(recorded[1]!.context).toMatchObject({ outcome: 'ok', cacheHit: true, issuer: def.issuer });
  });

  it('publish a failure with its code, and the issuer once the token was routed', async () => {
    const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });
    await verifier.warm();
    const recorded = record();
    const wrongAudience = await def.mintAccessToken({}, { audience: 'api://payments' });
    await expect(verifier.verify(wrongAudience)).rejects.toMatchObject({ code: 'ERR_AUDIENCE_MISMATCH' });
    await expect(verifier.verify('not-a-jwt')).rejects.toMatchObject({ code: 'ERR_TOKEN_MALFORMED' });
    const ends = recorded.filter((entry) => entry.event === 'end');
    expect(ends.map((entry) => [entry.context.outcome, entry.context.issuer])).toEqual([
      ['ERR_AUDIENCE_MISMATCH', def.issuer],
      ['ERR_TOKEN_MALFORMED', undefined],
    ]);
    expect(recorded.filter((entry) => entry.event === 'error')).toHaveLength(2);
    for (const part of wrongAudience.split('.')) expect(JSON.stringify(recorded)).not.toContain(part);
  });

  it('run the verification inside the stores bound to its start, so fetches it causes are its children', async () => {
    const parent = new AsyncLocalStorage<object>();
    const verifyStart = tracingChannel(TRACING_CHANNELS.verify).start;
    verifyStart.bindStore(parent, (context) => context as object);
    unsubscribe.push(() => verifyStart.unbindStore(parent));
    const seenByJwks: unknown[] = [];
    const handlers = {
      start: () => seenByJwks.push(parent.getStore()),
      end() {},
      asyncStart() {},
      asyncEnd() {},
      error() {},
    };
    tracingChannel(TRACING_CHANNELS.jwks).subscribe(handlers);
    unsubscribe.push(() => tracingChannel(TRACING_CHANNELS.jwks).unsubscribe(handlers));
    const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });
    await verifier.verify(await def.mintAccessToken());
    expect(seenByJwks).toHaveLength(1);
    expect(seenByJwks[0]).toMatchObject({ kind: 'access_token', issuer: def.issuer });
  });

  it('publish verifySync and ID-token verifications too', async () => {
    const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });
    await verifier.warm();
    const idTokens = createIdTokenVerifier({ issuer: def.issuer, clientId: 'app' });
    await idTokens.warm();
    const recorded = record();
    verifier.verifySync(await def.mintAccessToken());
    await idTokens.verify(await def.mintIdToken({ sub: 'bob' }, { clientId: 'app' }));
    // A span ends at `end` when the outcome is known then, else at `asyncEnd`.
    const ends = on(recorded, TRACING_CHANNELS.verify).filter(
      (entry) => entry.event === 'asyncEnd' || (entry.event === 'end' && entry.context.outcome !== undefined),
    );
    expect(ends.map((entry) => [entry.context.kind, entry.context.outcome])).toEqual([
      ['access_token', 'ok'],
      ['id_token', 'ok'],
    ]);
  });

  it('reach the default entry through process.getBuiltinModule where the runtime has it', async () => {
    const recorded = record();
    const verifier = createWebVerifier({ issuer: def.issuer, audience: def.audience });
    await verifier.verify(await def.mintAccessToken());
    expect(on(recorded, TRACING_CHANNELS.verify).at(-1)!.context).toMatchObject({ outcome: 'ok' });
  });

  it('announce a stale key set serving a known kid on its own channel', async () => {
    let now = Date.now();
    const verifier = createAccessTokenVerifier({
      issuer: def.issuer,
      audience: def.audience,
      clock: () => now,
      resultCache: false,
    });
    const token = await def.mintAccessToken({}, { expiresIn: 3600 });
    await verifier.verify(token);
    const messages: unknown[] = [];
    const listener = (message: unknown) => messages.push(message);
    channel(TRACING_CHANNELS.jwksStaleServed).subscribe(listener);
    unsubscribe.push(() => channel(TRACING_CHANNELS.jwksStaleServed).unsubscribe(listener));
    org.setFault({ server: 'default', endpoint: 'jwks', status: 500 });
    try {
      now += 700_000;
      await verifier.verify(token);
    } finally {
      org.clearFaults();
    }
    expect(messages).toEqual([
      expect.objectContaining({ issuer: def.issuer, staleForSeconds: expect.any(Number) }),
    ]);
  });
});
