import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, startIssuer } from '../src/index.js';

describe('fault injection', () => {
  let issuer: ReferenceIssuer;
  let jwksUri: string;

  beforeAll(async () => {
    issuer = await startIssuer({ servers: ['payments'] });
    jwksUri = issuer.server('default').jwksUri;
  });
  afterEach(() => {
    issuer.clearFaults();
  });
  afterAll(async () => {
    await issuer.close();
  });

  it('answers with an injected status and a JSON error body', async () => {
    issuer.setFault({ server: 'default', endpoint: 'jwks', status: 503 });
    const response = await fetch(jwksUri);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect((await response.json()).error).toBe('server_error');
  });

  it('serves a raw body and content type override', async () => {
    issuer.setFault({ server: 'default', endpoint: 'jwks', body: '{"keys": [', contentType: 'text/html' });
    const response = await fetch(jwksUri);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toBe('{"keys": [');
  });

  it('serves a binary body of any size', async () => {
    const huge = new Uint8Array(600 * 1024).fill(0x20);
    issuer.setFault({ server: 'default', endpoint: 'jwks', body: huge });
    const response = await fetch(jwksUri);
    expect((await response.arrayBuffer()).byteLength).toBe(huge.byteLength);
  });

  it('changes only the content type of the normal answer when given alone (MD-3)', async () => {
    issuer.setFault({ endpoint: 'discovery', contentType: 'text/plain' });
    const response = await fetch(issuer.server('payments').discoveryUrl);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect((await response.json()).issuer).toBe(issuer.server('payments').issuer);
  });

  it('serves a wrong issuer in the discovery document (MD-4, MD-5)', async () => {
    issuer.setFault({ server: 'payments', endpoint: 'discovery', issuer: 'http://evil.example' });
    const payments = await (await fetch(issuer.server('payments').discoveryUrl)).json();
    expect(payments.issuer).toBe('http://evil.example');
    expect(payments.jwks_uri).toBe(issuer.server('payments').jwksUri);
    const other = await (await fetch(issuer.server('default').discoveryUrl)).json();
    expect(other.issuer).toBe(issuer.server('default').issuer);
  });

  it('refuses an issuer fault on other endpoints', () => {
    expect(() => issuer.setFault({ endpoint: 'jwks', issuer: 'http://x' })).toThrow(
      /discovery endpoint only/,
    );
    expect(() => issuer.setFault({ endpoint: 'jwks', times: 0 })).toThrow(/times/);
  });

  it('redirects with 302 and Location', async () => {
    issuer.setFault({ server: 'default', endpoint: 'jwks', redirectTo: 'http://127.0.0.1:9/keys' });
    const response = await fetch(jwksUri, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:9/keys');
  });

  it('resets the connection', async () => {
    issuer.setFault({ server: 'default', endpoint: 'jwks', reset: true });
    const error = await fetch(jwksUri).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as TypeError).cause)).toMatch(/ECONNRESET|other side closed|socket/i);
  });

  it('delays, then answers normally', async () => {
    issuer.setFault({ server: 'default', endpoint: 'jwks', delayMs: 20 });
    const response = await fetch(jwksUri);
    expect(response.status).toBe(200);
    expect((await response.json()).keys).toHaveLength(1);
  });

  it("holds the socket open forever with delayMs 'never' until the client gives up", async () => {
    issuer.setFault({ server: 'default', endpoint: 'jwks', delayMs: 'never' });
    await expect(fetch(jwksUri, { signal: AbortSignal.timeout(100) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(issuer.requestCount({ server: 'default', endpoint: 'jwks' })).toBeGreaterThan(0);
  });

  it('applies a fault N times, then clears itself', async () => {
    issuer.setFault({ server: 'default', endpoint: 'jwks', status: 500, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await fetch(jwksUri)).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it('scopes a fault to one server, or every server when server is omitted', async () => {
    issuer.setFault({ server: 'payments', endpoint: 'jwks', status: 500 });
    expect((await fetch(issuer.server('payments').jwksUri)).status).toBe(500);
    expect((await fetch(jwksUri)).status).toBe(200);
    issuer.setFault({ endpoint: 'jwks', status: 502 });
    expect((await fetch(issuer.orgServer.jwksUri)).status).toBe(502);
    expect((await fetch(issuer.server('payments').jwksUri)).status).toBe(500);
  });

  it('replaces the fault for the same server and endpoint', async () => {
    issuer.setFault({ server: 'default', endpoint: 'jwks', status: 500 });
    issuer.setFault({ server: 'default', endpoint: 'jwks', status: 429 });
    expect((await fetch(jwksUri)).status).toBe(429);
    issuer.clearFaults();
    expect((await fetch(jwksUri)).status).toBe(200);
  });

  it('faults the token endpoint too', async () => {
    issuer.setFault({ server: 'default', endpoint: 'token', status: 500, times: 1 });
    const response = await fetch(issuer.server('default').tokenEndpoint, { method: 'POST' });
    expect(response.status).toBe(500);
  });
});

describe('closing with a parked request', () => {
  it('close() resolves although a socket is held by delayMs never', async () => {
    const issuer = await startIssuer();
    issuer.setFault({ endpoint: 'discovery', delayMs: 'never' });
    const pending = fetch(issuer.orgServer.discoveryUrl).then(
      () => 'answered',
      () => 'failed',
    );
    await expect.poll(() => issuer.requestCount({ endpoint: 'discovery' })).toBe(1);
    await issuer.close();
    expect(await pending).toBe('failed');
  });
});
