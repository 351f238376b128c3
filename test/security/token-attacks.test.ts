/**
 * Every token-content attack row against a real verifier of each entry (Node: node:crypto and
 * undici; web: WebCrypto and fetch), with keys and metadata served over loopback HTTP.
 */
import { createAccessTokenVerifier as createNodeVerifier, isTokenwardError } from '@tokenward/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier as createWebVerifier } from '../../packages/core/src/index.js';
import { tokenFamilies } from './cases/index.js';
import { caseTitle, createForge, type Forge, type TokenCase } from './forge.js';
import { AUDIENCE, LabServer, labKey } from './lab.js';

const ENTRIES = [
  ['Node entry', createNodeVerifier],
  ['web entry', createWebVerifier],
] as const;

let lab: LabServer;
let forge: Forge;

beforeAll(async () => {
  const key = labKey('k1', 'RS256');
  lab = await LabServer.start([key]);
  forge = createForge(lab.issuer, key, labKey('rogue', 'RS256'));
});
afterAll(() => lab.close());

describe.each(ENTRIES)('token attacks, %s', (_entry, create) => {
  const verifiers = new Map<string, ReturnType<typeof create>>();
  const verifierFor = (options: Record<string, unknown> = {}) => {
    const id = JSON.stringify(options);
    let verifier = verifiers.get(id);
    if (verifier === undefined) {
      verifier = create({ issuer: lab.issuer, audience: AUDIENCE, ...options } as never);
      verifiers.set(id, verifier);
    }
    return verifier;
  };

  for (const [family, rows] of Object.entries(tokenFamilies) as [string, readonly TokenCase[]][]) {
    describe(family, () => {
      it.each(rows.map((row) => [caseTitle(row), row] as const))('%s', async (_title, row) => {
        const outcome = await verifierFor(row.options)
          .verify(row.token(forge), row.call as never)
          .then(
            () => 'accepted',
            (error: unknown) => {
              // Every refusal is a TokenwardError with the HTTP meaning attached, never a TypeError.
              expect(isTokenwardError(error), String(error)).toBe(true);
              return (error as { code: string }).code;
            },
          );
        expect(outcome).toBe(row.expect);
      });
    });
  }
});
