/**
 * Every family of the adversarial suite with its rows, in one place: the runners take their rows
 * from here, and SECURITY.md's table of families and case counts is checked against it.
 */
import { claimFamilies } from './claims.js';
import { dpopFamilies } from './dpop.js';
import { encodingFamilies } from './encoding.js';
import { headerFamilies } from './header.js';
import { httpFamilies } from './http.js';
import { idTokenFamilies } from './id-tokens.js';
import { inspectFamilies } from './inspect.js';
import { keySetFamilies } from './key-sets.js';
import { transportFamilies } from './transport.js';

export { dpopFamilies, httpFamilies, inspectFamilies };

/** Token-content rows, sent to an access-token verifier. */
export const tokenFamilies = { ...headerFamilies, ...encodingFamilies, ...claimFamilies };

/** Property tests: each a family of its own, counted by its generated runs per entry. */
export const PROPERTY_RUNS = Object.freeze({
  'properties: mutated valid tokens (flip, insert, delete, truncate, swap, re-encode)': 400,
  'properties: random signed JSON headers and claims': 300,
});

/** How each group of families is run, for the SECURITY.md table. */
export const SUITE = Object.freeze([
  { runs: 'access-token verifier, Node and web entries', families: tokenFamilies },
  { runs: "access-token verifier with the row's JWK Set, Node and web entries", families: keySetFamilies },
  { runs: 'ID-token verifier, Node and web entries', families: idTokenFamilies },
  { runs: 'reference issuer fault injection, Node and web entries', families: transportFamilies },
  { runs: 'real Express and Fastify apps on port 0, each row through both', families: httpFamilies },
  { runs: '`tokenward inspect` in-process, as text to a terminal and as --json', families: inspectFamilies },
  {
    runs: 'real Express and Fastify apps on port 0 taking DPoP, each row through both',
    families: dpopFamilies,
  },
]);

/** Family name → number of rows (cases), in suite order. */
export function familyCounts(): Array<{ family: string; cases: number; runs: string }> {
  return [
    ...SUITE.flatMap(({ runs, families }) =>
      Object.entries(families).map(([family, rows]) => ({
        family,
        cases: (rows as readonly unknown[]).length,
        runs,
      })),
    ),
    ...Object.entries(PROPERTY_RUNS).map(([family, cases]) => ({
      family,
      cases,
      runs: 'fast-check, generated cases per entry',
    })),
  ];
}
