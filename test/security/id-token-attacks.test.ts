/** ID-token attack rows through `createIdTokenVerifier` of each entry, keys served over loopback. */
import { createIdTokenVerifier as createNodeVerifier, isTokenwardError } from '@tokenward/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdTokenVerifier as createWebVerifier } from '../../packages/core/src/index.js';
import { idTokenFamilies } from './cases/id-tokens.js';
import { caseTitle, createForge, type Forge } from './forge.js';
import { CLIENT_ID, LabServer, labKey } from './lab.js';

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

describe.each(ENTRIES)('ID-token attacks, %s', (_entry, create) => {
  let verifier: ReturnType<typeof create> | undefined;
  for (const [family, rows] of Object.entries(idTokenFamilies)) {
    describe(family, () => {
      it.each(rows.map((row) => [caseTitle(row), row] as const))('%s', async (_title, row) => {
        verifier ??= create({ issuer: lab.issuer, clientId: CLIENT_ID });
        const outcome = await verifier.verify(row.token(forge), row.call).then(
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
