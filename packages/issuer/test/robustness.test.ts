import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, startIssuer } from '../src/index.js';
import { basicAuth } from './support.js';

/** Sends raw bytes and collects whatever comes back until the server closes or answers. */
function rawExchange(origin: string, request: string): Promise<string> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('close', () => resolve(received));
    socket.on('error', () => resolve(received));
  });
}

describe('bad input never takes the issuer down', () => {
  let issuer: ReferenceIssuer;

  beforeAll(async () => {
    issuer = await startIssuer();
  });
  afterAll(async () => {
    await issuer.close();
  });

  it('answers malformed HTTP with 400 and keeps serving', async () => {
    const reply = await rawExchange(issuer.origin, 'NOT HTTP AT ALL\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(issuer.orgServer.discoveryUrl)).status).toBe(200);
  });

  it('drops an upload far over the cap and keeps serving', async () => {
    const tokenEndpoint = issuer.server('default').tokenEndpoint;
    const outcome = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: {
        authorization: basicAuth('test-client', 'test-secret'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `grant_type=client_credentials&pad=${'x'.repeat(4 * 1024 * 1024)}`,
    }).then(
      (response) => response.status,
      () => 'connection dropped',
    );
    expect([413, 'connection dropped']).toContain(outcome);
    expect((await fetch(issuer.server('default').jwksUri)).status).toBe(200);
  });

  it('answers odd paths and queries without a stack trace', async () => {
    for (const path of ['/oauth2/%ZZ/v1/keys', '/oauth2//v1/keys', '/oauth2/default/v1/authorize?%%%=&&']) {
      const response = await fetch(`${issuer.origin}${path}`, { redirect: 'manual' });
      const text = await response.text();
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(text).not.toMatch(/at .*\.ts:\d+/);
    }
  });
});
