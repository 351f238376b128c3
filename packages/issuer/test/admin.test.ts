import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, startIssuer } from '../src/index.js';

describe('admin endpoints (admin: true)', () => {
  let issuer: ReferenceIssuer;

  beforeAll(async () => {
    issuer = await startIssuer({ admin: true });
  });
  afterAll(async () => {
    await issuer.close();
  });

  const postFault = (fault: unknown) =>
    fetch(`${issuer.origin}/__admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fault),
    });

  it('installs and clears faults at runtime', async () => {
    const jwksUri = issuer.server('default').jwksUri;
    expect((await postFault({ server: 'default', endpoint: 'jwks', status: 503 })).status).toBe(201);
    expect((await fetch(jwksUri)).status).toBe(503);
    expect((await fetch(`${issuer.origin}/__admin/faults`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(jwksUri)).status).toBe(200);
  });

  it('rejects invalid faults with 400 naming the field', async () => {
    const badEndpoint = await postFault({ endpoint: 'keys' });
    expect(badEndpoint.status).toBe(400);
    expect((await badEndpoint.json()).error_description).toMatch(/fault\.endpoint/);
    const badJson = await fetch(`${issuer.origin}/__admin/faults`, { method: 'POST', body: '{' });
    expect(badJson.status).toBe(400);
  });

  it('reports and resets counts', async () => {
    await fetch(`${issuer.origin}/__admin/counts`, { method: 'DELETE' });
    await fetch(issuer.orgServer.discoveryUrl);
    const counts = await (await fetch(`${issuer.origin}/__admin/counts`)).json();
    expect(counts).toEqual({ total: 1, counts: [{ server: 'org', endpoint: 'discovery', count: 1 }] });
    expect(issuer.requestCount()).toBe(1);
  });
});
