import { request } from 'node:http';
import type { DpopOptions, IntrospectionOptions, ReplayStore } from '@tokenward/core';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters } from './adapters/index.js';
import { cases, MCP_RESOURCE, type RequestHeaders } from './cases.js';
import { dpopCases } from './dpop-cases.js';
import { dpopInteropCases } from './dpop-interop-cases.js';
import {
  type ConformanceConfig,
  DPOP_ORIGIN,
  type Feature,
  type IntrospectionTrust,
  NONCE_KEY,
  NONCE_STEP_SECONDS,
  type RunningApi,
} from './harness.js';
import {
  INTROSPECTION_OUTAGE_SERVER,
  INTROSPECTION_TIMEOUT_SECONDS,
  introspectionCases,
} from './introspection-cases.js';

/** The parts of an answer every adapter must agree on. */
interface Answer {
  status: number;
  challenge: string | undefined;
  retryAfter: string | undefined;
  /** `Content-Type` and `Access-Control-Allow-Origin`, where the case serves a document. */
  contentType: string | undefined;
  allowOrigin: string | undefined;
  dpopNonce: string | undefined;
  body: Record<string, unknown> | undefined;
  /** Requests the issuer's introspection endpoints got while this adapter answered the case. */
  introspections?: number;
}

let issuer: ReferenceIssuer;
let clock: () => number;
const running = new Map<string, { api: RunningApi; lacks: readonly Feature[] }>();

beforeAll(async () => {
  issuer = await startIssuer({
    port: 0,
    servers: ['default', 'payments', 'outage', INTROSPECTION_OUTAGE_SERVER],
  });
  const now = Date.now();
  clock = () => now;
  const trust = (id: string) => ({
    issuer: issuer.server(id).issuer,
    audience: issuer.server(id).audience,
    clock,
  });
  const dpopTrust = (dpop: DpopOptions, at = clock) => ({
    ...trust('default'),
    clock: at,
    dpop: { origins: [DPOP_ORIGIN], ...dpop },
  });
  const nonced: DpopOptions = { mode: 'required', nonceKeys: [NONCE_KEY] };
  // The reference issuer's confidential client, which its introspection endpoint requires (RFC 7662 section 2.1).
  const client = { clientId: 'test-client', clientSecret: 'test-secret' };
  const introspecting = (
    id: string,
    introspection: Omit<IntrospectionOptions, 'clientId'>,
    httpTimeout?: number,
  ): IntrospectionTrust => ({
    ...trust(id),
    introspection: { ...client, ...introspection },
    ...(httpTimeout === undefined ? {} : { httpTimeout }),
  });
  const unavailable: ReplayStore = { markOnce: () => Promise.reject(new Error('the store is down')) };
  const config: ConformanceConfig = {
    realm: 'conformance',
    main: trust('default'),
    outage: trust('outage'),
    resource: { issuer: issuer.server('default').issuer, resource: MCP_RESOURCE, clock },
    dpop: {
      allowed: dpopTrust({ mode: 'allowed' }),
      nonced: dpopTrust(nonced),
      noncedNextStep: dpopTrust(nonced, () => now + NONCE_STEP_SECONDS * 1000),
      outage: dpopTrust({ mode: 'required', replayStore: unavailable }),
    },
    introspection: {
      fallback: introspecting('default', { mode: 'fallback' }),
      always: introspecting('default', { mode: 'always', maxCacheAge: 0 }),
      outage: introspecting(INTROSPECTION_OUTAGE_SERVER, { mode: 'fallback' }, INTROSPECTION_TIMEOUT_SECONDS),
    },
  };
  for (const adapter of adapters) {
    running.set(adapter.name, { api: await adapter.start(config), lacks: adapter.lacks ?? [] });
  }
  // The outage begins once every adapter is up (the gateway fetches each issuer's keys before it
  // answers): the server rotates its keys and its key set then answers 500, so a token under the
  // new key can be verified by no adapter, whether it fetched the old set or none.
  issuer.server('outage').rotateKeys();
  issuer.setFault({ server: 'outage', endpoint: 'jwks', status: 500 });
});

afterAll(async () => {
  for (const { api } of running.values()) await api.close();
  await issuer?.close();
});

describe('every adapter gives every HTTP case the same answer', () => {
  it.each([...cases, ...dpopCases, ...dpopInteropCases, ...introspectionCases])('$name', async (httpCase) => {
    const { introspectionFault: fault } = httpCase;
    if (fault !== undefined) {
      issuer.setFault({ ...fault, server: INTROSPECTION_OUTAGE_SERVER, endpoint: 'introspect' });
    }
    const shared = await httpCase.headers(issuer);
    const answers = new Map<string, Answer>();
    for (const [name, { api, lacks }] of running) {
      if (httpCase.requires !== undefined && lacks.includes(httpCase.requires)) continue;
      const headersWith = async (nonce?: string) =>
        httpCase.perAdapter === undefined
          ? shared
          : { ...shared, ...(await httpCase.perAdapter(shared, clock, issuer, nonce)) };
      const url = `${api.url}${httpCase.path}`;
      const method = httpCase.method ?? 'GET';
      let headers = await headersWith();
      const asked = issuer.requestCount({ endpoint: 'introspect' });
      if (httpCase.replay !== undefined) {
        const { status = 200, between } = httpCase.replay === true ? {} : httpCase.replay;
        expect((await send(url, method, headers, httpCase.form)).status, name).toBe(status);
        between?.(issuer, headers);
      }
      if (httpCase.nonceRetry) {
        const challenged = await send(url, method, headers, httpCase.form);
        expect(challenged.challenge, name).toMatch(/^DPoP [^,]+, algs="[^"]+", error="use_dpop_nonce"/);
        expect(challenged.dpopNonce, name).toEqual(expect.any(String));
        headers = await headersWith(challenged.dpopNonce);
      }
      const answer = await send(url, method, headers, httpCase.form);
      answers.set(name, {
        ...answer,
        introspections: issuer.requestCount({ endpoint: 'introspect' }) - asked,
      });
    }
    // The first adapter's answers are the reference: it lacks nothing, so it answers every case.
    expect([...answers.keys()][0]).toBe(adapters[0]!.name);
    const [reference] = [...answers.values()];
    if (reference === undefined) throw new Error('no adapter ran');
    const { expected } = httpCase;
    expect(reference.status).toBe(expected.status);
    if (expected.subject !== undefined) {
      const scopes = expected.scopes === undefined ? {} : { scopes: expected.scopes };
      expect(reference.body).toEqual({ subject: expected.subject, ...scopes });
    }
    if (expected.document !== undefined) {
      expect(reference.body).toEqual(expected.document(issuer));
      expect(reference.contentType).toMatch(/^application\/json/);
    }
    if (expected.status === 204) expect(reference.body).toBeUndefined();
    if (expected.code !== undefined) {
      expect(reference.body).toMatchObject({ code: expected.code, error_description: expect.any(String) });
      if (expected.code === 'ERR_TOKEN_MISSING') expect(reference.body).not.toHaveProperty('error');
      else expect(reference.body?.error).toEqual(expect.any(String));
    }
    if (typeof expected.challenge === 'string') expect(reference.challenge).toBe(expected.challenge);
    else if (expected.challenge !== undefined) expect(reference.challenge).toMatch(expected.challenge);
    else expect(reference.challenge).toBeUndefined();
    if (typeof expected.retryAfter === 'string') expect(reference.retryAfter).toBe(expected.retryAfter);
    else if (expected.retryAfter) expect(Number(reference.retryAfter)).toBeGreaterThan(0);
    else expect(reference.retryAfter).toBeUndefined();
    if (expected.dpopNonce) expect(reference.dpopNonce).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]+$/);
    else expect(reference.dpopNonce).toBeUndefined();
    expect(reference.introspections).toBe(expected.introspections ?? 0);
    if (expected.status >= 500) expect(JSON.stringify(reference.body)).not.toMatch(/127\.0\.0\.1|https?:/);
    for (const [name, answer] of answers) expect(answer, name).toEqual(reference);
  });
});

/**
 * Sends through node:http, which (unlike fetch) sends a list header value as separate field
 * lines. The body is reduced to the OAuth error fields (or the route's answer), since each
 * framework may add its conventional extras (Fastify's `statusCode` and `message`). A `form` goes
 * as an `application/x-www-form-urlencoded` body.
 */
function send(
  url: string,
  method: string,
  headers: RequestHeaders,
  form?: Readonly<Record<string, string>>,
): Promise<Answer> {
  const body = form === undefined ? undefined : new URLSearchParams(form).toString();
  const sent =
    body === undefined ? headers : { ...headers, 'content-type': 'application/x-www-form-urlencoded' };
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers: sent, agent: false }, (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => {
        text += chunk;
      });
      incoming.on('end', () => {
        const parsed = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
        const { error, error_description, code, subject, scopes } = parsed ?? {};
        // A metadata document is compared whole, with its headers; elsewhere only the fields every
        // adapter shares (a route handler's own content type is its framework's).
        const metadata = new URL(url).pathname.startsWith('/.well-known/');
        const body =
          parsed === undefined || metadata
            ? parsed
            : Object.fromEntries(
                Object.entries({ error, error_description, code, subject, scopes }).filter(
                  ([, v]) => v !== undefined,
                ),
              );
        const single = (name: string) => {
          const value = incoming.headers[name];
          return Array.isArray(value) ? value.join(', ') : value;
        };
        resolve({
          status: incoming.statusCode ?? 0,
          challenge: single('www-authenticate'),
          retryAfter: single('retry-after'),
          contentType: metadata ? single('content-type') : undefined,
          allowOrigin: single('access-control-allow-origin'),
          dpopNonce: single('dpop-nonce'),
          body,
        });
      });
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
