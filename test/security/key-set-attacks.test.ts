/** Key-set content rows, each with its own JWK Set on the lab server, through both entries. */
import { createAccessTokenVerifier as createNodeVerifier, isTokenwardError } from '@tokenward/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier as createWebVerifier } from '../../packages/core/src/index.js';
import { keySetFamilies } from './cases/key-sets.js';
import { caseTitle, createForge, type Forge } from './forge.js';
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

describe.each(ENTRIES)('key-set attacks, %s', (_entry, create) => {
  for (const [family, rows] of Object.entries(keySetFamilies)) {
    describe(family, () => {
      it.each(rows.map((row) => [caseTitle(row), row] as const))('%s', async (_title, row) => {
        const body = row.jwks(forge);
        lab.jwksAnswer = {
          status: row.status ?? 200,
          body: typeof body === 'string' ? body : JSON.stringify(body),
        };
        const verifier = create({ issuer: lab.issuer, audience: AUDIENCE, ...row.options } as never);
        const token = (row.token ?? ((f: Forge) => f.withClaims({})))(forge);
        const outcome = await verifier.verify(token).then(
          () => 'accepted',
          (error: unknown) => {
            expect(isTokenwardError(error), String(error)).toBe(true);
            return (error as { code: string }).code;
          },
        );
        expect(outcome).toBe(row.expect);
      });
    });
  }
});
