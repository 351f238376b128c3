/**
 * Discovery and JWKS faults from the reference issuer on loopback, through both entries: each
 * answer is a 503 with Retry-After whose challenge names no URL and no network error.
 */
import { createAccessTokenVerifier as createNodeVerifier, isTokenwardError } from '@tokenward/core';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier as createWebVerifier } from '../../packages/core/src/index.js';
import { transportFamilies } from './cases/transport.js';
import { caseTitle } from './forge.js';

let issuer: ReferenceIssuer;
let token: string;

beforeAll(async () => {
  issuer = await startIssuer({ port: 0 });
  token = await issuer.server('default').mintAccessToken({ sub: 'alice' });
});
afterAll(() => issuer.close());

describe.each([
  ['Node entry', createNodeVerifier],
  ['web entry', createWebVerifier],
] as const)('transport faults, %s', (_entry, create) => {
  for (const [family, rows] of Object.entries(transportFamilies)) {
    describe(family, () => {
      it.each(rows.map((row) => [caseTitle(row), row] as const))('%s', async (_title, row) => {
        const server = issuer.server('default');
        issuer.clearFaults();
        issuer.setFault(row.fault(issuer.origin, server.issuer));
        const verifier = create({ issuer: server.issuer, audience: server.audience, httpTimeout: 1 });
        const error = await verifier.verify(token).then(
          () => undefined,
          (reason: unknown) => reason,
        );
        issuer.clearFaults();
        expect(isTokenwardError(error), String(error)).toBe(true);
        const refusal = error as import('@tokenward/core').TokenwardError;
        expect(refusal.code).toBe(row.expect);
        expect(refusal.status).toBe(503);
        expect(refusal.headers['Retry-After']).toMatch(/^\d+$/);
        // The challenge a client sees carries no internals: no URL, no transport error text.
        expect(refusal.headers['WWW-Authenticate']).not.toMatch(/https?:|ECONN|socket|timed out/i);
        expect(refusal.expose).toBe(false);
      });
    });
  }
});
