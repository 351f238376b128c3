/**
 * The header's `alg` against the key it names, when the allow-list holds more than one family
 * (RS256, PS256, ES256, EdDSA): each published key serves only its own algorithm (RFC 8725 section
 * 3.1), ES256 signatures are R || S and not DER (RFC 7518 section 3.4), `crit` naming a registered
 * member, thumbprint members naming no key of ours, an RS256 token stripped of its signature, a
 * nested JWT, and a header saying `cty` "JWT" over plain claims. Each row against a real verifier
 * of each entry, keys served by the lab.
 */
import { sign } from 'node:crypto';
import { createAccessTokenVerifier as createNodeVerifier } from '@tokenward/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier as createWebVerifier } from '../../packages/core/src/index.js';
import { caseTitle, createForge, type Forge, type TokenCase } from './forge.js';
import { AUDIENCE, b64, json, type LabKey, LabServer, labKey, signature } from './lab.js';

const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** The published P-256 key, kid `e1` (the forge's own key is RS256, kid `k1`). */
let ec: LabKey;

/** A token whose header says `alg` and `kid`, signed by the published RSA key under `signAlg`. */
const lying =
  (alg: string, kid: string, signAlg: string): TokenCase['token'] =>
  (forge) => {
    const input = `${json(forge.header({ alg, kid }))}.${json(forge.claims())}`;
    return `${input}.${signature(forge.key, input, signAlg)}`;
  };

const row = (
  req: string,
  rfc: string,
  expect: TokenCase['expect'],
  name: string,
  token: TokenCase['token'],
): TokenCase => ({ req, rfc, expect, name, token });

const ROWS: readonly TokenCase[] = [
  ...(
    [
      ['PS256', 'PS256'],
      ['ES256', 'RS256'],
      ['EdDSA', 'RS256'],
    ] as const
  ).map(([alg, signAlg]) =>
    row(
      'BCP-1',
      'RFC 8725 section 3.1',
      'ERR_KEY_NOT_FOUND',
      `alg ${alg} naming the published RS256 key, signed by it with ${signAlg}`,
      lying(alg, 'k1', signAlg),
    ),
  ),
  row(
    'BCP-1',
    'RFC 8725 section 3.1',
    'ERR_KEY_NOT_FOUND',
    'alg RS256 naming the published ES256 key',
    lying('RS256', 'e1', 'RS256'),
  ),
  row(
    'JOSE-13',
    'RFC 7518 section 3.4',
    'ERR_SIGNATURE_INVALID',
    'an ES256 signature by the published key, DER-encoded instead of R || S',
    (forge) => {
      const input = `${json(forge.header({ alg: 'ES256', kid: 'e1' }))}.${json(forge.claims())}`;
      const der = sign('sha256', Buffer.from(input), { key: ec.privateKey, dsaEncoding: 'der' });
      return `${input}.${b64(der)}`;
    },
  ),
  row(
    'JOSE-13',
    'RFC 7518 section 3.4',
    'accepted',
    'an ES256 token by the published key (control)',
    (forge) => forge.sign(forge.header({ alg: 'ES256', kid: 'e1' }), forge.claims(), ec),
  ),
  row(
    'JOSE-5',
    'RFC 7515 section 4.1.11',
    'ERR_CRIT_UNSUPPORTED',
    'crit naming a registered member ("kid")',
    (forge) => forge.withHeader({ crit: ['kid'] }),
  ),
  row(
    'JOSE-5',
    'RFC 7515 section 4.1.11',
    'ERR_CRIT_UNSUPPORTED',
    'crit naming one extension twice',
    (forge) => forge.withHeader({ crit: ['urn:x', 'urn:x'], 'urn:x': 1 }),
  ),
  ...(['x5t', 'x5t#S256'] as const).map((member) =>
    row(
      'JOSE-8, BCP-10',
      'RFC 7515 section 4.1.7, RFC 8725 section 3.10',
      'ERR_SIGNATURE_INVALID',
      `signed by an attacker key under the published kid, "${member}" naming the attacker's certificate`,
      (forge) =>
        forge.sign(
          forge.header({ [member]: 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' }),
          forge.claims(),
          forge.rogue,
        ),
    ),
  ),
  row(
    'BCP-4, JOSE-1',
    'RFC 7515 section 5.2, section 7.1',
    'ERR_TOKEN_MALFORMED',
    'an RS256 token with its signature segment emptied',
    (forge) => `${forge.withClaims({}).split('.').slice(0, 2).join('.')}.`,
  ),
  row(
    'BCP-4, BCP-11',
    'RFC 7519 section 5.2, RFC 8725 section 3.3',
    'ERR_TOKEN_MALFORMED',
    'a nested JWT: cty "JWT" and a valid signed token as the payload',
    (forge) => forge.signRaw(json(forge.header({ cty: 'JWT' })), b64(forge.withClaims({}))),
  ),
  ...['JWT', 'application/jwt'].map((cty) =>
    row(
      'JOSE-16',
      'RFC 7519 section 5.2, section 7.2 step 8',
      'ERR_TOKEN_MALFORMED',
      `cty ${JSON.stringify(cty)} over a claims payload: a nested JWT by its header, claims by its payload`,
      (forge) => forge.withHeader({ cty }),
    ),
  ),
  row(
    'JOSE-16',
    'RFC 7515 section 4.1.10',
    'accepted',
    'a cty that names no nested JWT is left to the application (control)',
    (forge) => forge.withHeader({ cty: 'example+json' }),
  ),
];

let lab: LabServer;
let forge: Forge;

beforeAll(async () => {
  const key = labKey('k1', 'RS256');
  ec = labKey('e1', 'ES256');
  lab = await LabServer.start([key, ec]);
  forge = createForge(lab.issuer, key, labKey('rogue', 'RS256'));
});
afterAll(() => lab.close());

describe.each([
  ['Node entry', createNodeVerifier],
  ['web entry', createWebVerifier],
] as const)('header algorithms and members, %s', (_entry, create) => {
  it.each(ROWS.map((row) => [caseTitle(row), row] as const))('%s', async (_title, row) => {
    const verifier = create({ issuer: lab.issuer, audience: AUDIENCE, algorithms: ALGORITHMS });
    const outcome = await verifier.verify(row.token(forge)).then(
      () => 'accepted',
      (error: { code: string; status: number }) => {
        expect(error.status).toBe(401);
        return error.code;
      },
    );
    expect(outcome).toBe(row.expect);
  });
});
