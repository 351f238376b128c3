import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReferenceIssuer, startIssuer } from '../src/index.js';
import { postForm } from './support.js';

describe('request counters', () => {
  let issuer: ReferenceIssuer;

  beforeAll(async () => {
    issuer = await startIssuer({ servers: ['payments'] });
  });
  afterAll(async () => {
    await issuer.close();
  });

  it('counts per server and endpoint, faulted requests included, and resets', async () => {
    issuer.resetCounts();
    const payments = issuer.server('payments');
    await fetch(payments.discoveryUrl);
    await fetch(`${issuer.origin}/.well-known/oauth-authorization-server/oauth2/payments`);
    await fetch(payments.jwksUri);
    issuer.setFault({ server: 'payments', endpoint: 'jwks', status: 500, times: 1 });
    await fetch(payments.jwksUri);
    await fetch(issuer.orgServer.jwksUri);
    await postForm(payments.tokenEndpoint, { grant_type: 'client_credentials' });
    await fetch(`${issuer.origin}/oauth2/unknown/v1/keys`);

    expect(issuer.requestCount({ server: 'payments', endpoint: 'discovery' })).toBe(2);
    expect(issuer.requestCount({ server: 'payments', endpoint: 'jwks' })).toBe(2);
    expect(issuer.requestCount({ server: 'payments' })).toBe(5);
    expect(issuer.requestCount({ server: 'org' })).toBe(1);
    expect(issuer.requestCount({ endpoint: 'jwks' })).toBe(3);
    expect(issuer.requestCount({ endpoint: 'token' })).toBe(1);
    expect(issuer.requestCount()).toBe(6);

    issuer.resetCounts();
    expect(issuer.requestCount()).toBe(0);
  });
});
