import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/defaults.js';
import { TokenwardError } from '../../src/errors.js';
import { emit, eventText, type TokenwardEvent } from '../../src/events.js';
import { createAccessTokenVerifier } from '../../src/node.js';
import { compactJws } from './helpers.js';

const issuers = ['https://acme.okta.com/oauth2/default', 'https://acme.okta.com/oauth2/payments'];

/** Collects unhandled rejections until the current turn of the event loop has finished. */
async function unhandledRejectionsOf(action: () => Promise<unknown>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.prependListener('unhandledRejection', listener);
  try {
    await action().catch(() => undefined);
    // Node reports unhandled rejections once the microtask queue drains; let one turn pass.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.removeListener('unhandledRejection', listener);
  }
  return seen;
}

describe('onEvent handlers never break verification', () => {
  it('ignores a handler that returns a rejected promise (no unhandled rejection on a junk token)', async () => {
    let calls = 0;
    const verifier = createAccessTokenVerifier({
      issuer: issuers[0]!,
      audience: 'api://default',
      onEvent: async () => {
        calls += 1;
        throw new Error('logger down');
      },
    });
    const seen = await unhandledRejectionsOf(() => verifier.verify('junk'));
    expect(calls).toBe(1);
    expect(seen).toEqual([]);
  });

  it('ignores a handler that throws, and a thenable whose then throws', () => {
    expect(() =>
      emit(
        () => {
          throw new Error('x');
        },
        { type: 'insecure_http', issuer: 'i', url: 'u' },
      ),
    ).not.toThrow();
    const hostile = (() => ({
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point of this case
      then: () => {
        throw new Error('y');
      },
    })) as unknown as (event: TokenwardEvent) => void;
    expect(() => emit(hostile, { type: 'insecure_http', issuer: 'i', url: 'u' })).not.toThrow();
  });
});

describe('event text from tokens', () => {
  it('escapes control characters, quotes and non-ASCII, and shortens long values', () => {
    expect(eventText('k1\u001b[2J\r\n"\\')).toBe('k1\\u001b[2J\\r\\n\\"\\\\');
    expect(eventText('k\u202e1')).toBe('k\\u202e1');
    const long = eventText('x'.repeat(500));
    expect(long).toBe(`${'x'.repeat(64)}...`);
  });
});

describe('issuer refusals keep the trusted issuers out of the message and in the event', () => {
  it('lists the trusted issuers in verification_failed only', async () => {
    const events: TokenwardEvent[] = [];
    const verifier = createAccessTokenVerifier({
      issuers: issuers.map((issuer) => ({ issuer, audience: 'api://default' })),
      onEvent: (event) => events.push(event),
    });
    const token = compactJws({ alg: 'RS256', kid: 'k1' }, { iss: 'https://evil.example/oauth2/x' });
    const failure = await verifier.verify(token).catch((error: TokenwardError) => error);
    expect(failure).toMatchObject({ code: 'ERR_ISSUER_MISMATCH' });
    for (const issuer of issuers) {
      expect((failure as TokenwardError).message).not.toContain(issuer);
      expect((failure as TokenwardError).headers['WWW-Authenticate']).not.toContain(issuer);
    }
    expect(events).toEqual([
      expect.objectContaining({
        type: 'verification_failed',
        code: 'ERR_ISSUER_MISMATCH',
        trustedIssuers: issuers,
      }),
    ]);
  });
});

describe('WWW-Authenticate stays within 1 KiB', () => {
  it('shortens the description of a long message, keeping the other attributes whole', () => {
    const error = new TokenwardError('ERR_INSUFFICIENT_SCOPE', `needs ${'y'.repeat(5000)}`, {
      requiredScopes: ['orders:read'],
    });
    const challenge = error.headers['WWW-Authenticate']!;
    expect(challenge.length).toBeLessThanOrEqual(LIMITS.challengeLength.max);
    expect(challenge).toMatch(
      /^Bearer realm="api", error="insufficient_scope", error_description="needs y+\.\.\.", scope="orders:read"$/,
    );
    expect(new TokenwardError('ERR_TOKEN_EXPIRED', 'short').headers['WWW-Authenticate']).toContain(
      'error_description="short"',
    );
  });
});

describe('allowInsecureHttp', () => {
  it('fetches key material over plain http off loopback only when opted in, emitting insecure_http each time', async () => {
    const issuer = 'http://keycloak:8080/oauth2/default';
    const requested: string[] = [];
    // A fetch double at the injected seam: keycloak:8080 is a name no test machine resolves.
    const fetch = async (input: RequestInfo | URL) => {
      const url = String(input);
      requested.push(url);
      const body = url.includes('.well-known') ? { issuer, jwks_uri: `${issuer}/v1/keys` } : { keys: [] };
      return Response.json(body);
    };
    const events: TokenwardEvent[] = [];
    const verifier = createAccessTokenVerifier({
      issuer,
      audience: 'api://default',
      allowInsecureHttp: true,
      fetch,
      onEvent: (event) => events.push(event),
    });
    await verifier.warm().catch(() => undefined);
    const insecure = events.filter((event) => event.type === 'insecure_http');
    expect(insecure.map((event) => (event as { url: string }).url)).toEqual(requested);
    expect(requested.length).toBeGreaterThanOrEqual(2);
  });
});
