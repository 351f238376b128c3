/**
 * Introspection credentials referenced from a policy, `{ env: NAME }` or `{ file: PATH }`: read
 * when the policy loads, and every problem named by field and variable or file, never by value.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { PolicyError } from '../src/lib/policy/issues.js';
import { type LoadedPolicy, loadPolicy } from '../src/lib/policy/load.js';
import { tempFiles } from './support/files.js';

const files = tempFiles();
afterAll(() => files.remove());

const SECRET = 'sEcReT-7f3a9c1e-do-not-print';
const PRIVATE_JWK = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

/** A policy whose `orders` issuer introspects with `credential` (YAML lines under `introspection`). */
function policy(credential: string, orgServer = ''): string {
  return `issuers:
  orders:
    issuer: https://acme.okta.com/oauth2/default
    audience: api://default
    introspection:
      mode: fallback
      clientId: orders-api
      ${credential}${orgServer}
routes:
  - match: { path: /** }
    issuer: orders
`;
}

const load = (name: string, text: string, env: Record<string, string> = {}) =>
  loadPolicy(files.write(name, text), { onEvent: () => {}, env });

async function problems(name: string, text: string, env: Record<string, string> = {}) {
  const error = await load(name, text, env).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof PolicyError)) throw new Error(`expected a PolicyError, got ${String(error)}`);
  return { issues: error.issues, message: error.message };
}

function introspectionOf(loaded: LoadedPolicy): Record<string, unknown> {
  return loaded.definition.issuers.get('orders')!.options.introspection as Record<string, unknown>;
}

describe('introspection credentials by reference', () => {
  it('reads clientSecret from { env: NAME }', async () => {
    const loaded = await load('env.yaml', policy('clientSecret: { env: ORDERS_SECRET }'), {
      ORDERS_SECRET: SECRET,
    });
    expect(introspectionOf(loaded).clientSecret).toBe(SECRET);
    expect(loaded.verifiers.size).toBe(1);
  });

  it('reads clientSecret from { file: PATH }, without the final line break, relative to the policy', async () => {
    files.write('orders-secret', `${SECRET}\n`);
    const absolute = await load('file.yaml', policy(`clientSecret: { file: ${files.dir}/orders-secret }`));
    expect(introspectionOf(absolute).clientSecret).toBe(SECRET);
    const relative = await load('relative.yaml', policy('clientSecret: { file: orders-secret }'));
    expect(introspectionOf(relative).clientSecret).toBe(SECRET);
  });

  it('reads privateKey as a JWK in JSON from an environment variable or a file', async () => {
    const json = JSON.stringify(PRIVATE_JWK);
    const fromEnv = await load('key-env.yaml', policy('privateKey: { env: ORDERS_KEY }'), {
      ORDERS_KEY: json,
    });
    expect(introspectionOf(fromEnv).privateKey).toEqual(PRIVATE_JWK);
    files.write('orders-key.json', json);
    const fromFile = await load('key-file.yaml', policy('privateKey: { file: orders-key.json }'));
    expect(introspectionOf(fromFile).privateKey).toEqual(PRIVATE_JWK);
  });

  it("resolves the orgServer client's credential too", async () => {
    const loaded = await load(
      'org.yaml',
      policy(
        'clientSecret: { env: ORDERS_SECRET }',
        '\n      orgServer: { clientId: org-api, clientSecret: { env: ORG_SECRET } }',
      ),
      { ORDERS_SECRET: SECRET, ORG_SECRET: `${SECRET}-org` },
    );
    expect(introspectionOf(loaded).orgServer).toEqual({ clientId: 'org-api', clientSecret: `${SECRET}-org` });
  });

  it('keeps inline credentials working beside references', async () => {
    const env = { ORG_SECRET: `${SECRET}-org` };
    const orgServer = '\n      orgServer: { clientId: org-api, clientSecret: { env: ORG_SECRET } }';
    const secret = await load('inline.yaml', policy(`clientSecret: ${SECRET}`, orgServer), env);
    expect(introspectionOf(secret)).toMatchObject({
      clientSecret: SECRET,
      orgServer: { clientSecret: `${SECRET}-org` },
    });
    const key = await load(
      'inline-key.yaml',
      policy(`privateKey: ${JSON.stringify(PRIVATE_JWK)}`, orgServer),
      env,
    );
    expect(introspectionOf(key)).toMatchObject({
      privateKey: PRIVATE_JWK,
      orgServer: { clientSecret: `${SECRET}-org` },
    });
  });

  it('names the field and the variable when the variable is missing or empty', async () => {
    const file = `${files.dir}/missing-env.yaml`;
    expect(
      (await problems('missing-env.yaml', policy('clientSecret: { env: ORDERS_SECRET }'))).issues,
    ).toEqual([
      `${file}:8: issuers.orders.introspection.clientSecret: the environment variable ORDERS_SECRET is not set`,
    ]);
    const empty = await problems('empty-env.yaml', policy('privateKey: { env: ORDERS_KEY }'), {
      ORDERS_KEY: '',
    });
    expect(empty.issues).toEqual([
      `${files.dir}/empty-env.yaml:8: issuers.orders.introspection.privateKey: the environment variable ORDERS_KEY is empty`,
    ]);
  });

  it('names the field and the file when the file is missing, a folder or empty', async () => {
    const at = (name: string) => `${files.dir}/${name}:8: issuers.orders.introspection.clientSecret:`;
    const missing = await problems('missing-file.yaml', policy('clientSecret: { file: nope }'));
    expect(missing.issues).toEqual([
      `${at('missing-file.yaml')} the file nope cannot be read (no such file)`,
    ]);
    files.write('blank', '\n');
    const blank = await problems('blank-file.yaml', policy('clientSecret: { file: blank }'));
    expect(blank.issues).toEqual([`${at('blank-file.yaml')} the file blank is empty`]);
    const folder = await problems('folder.yaml', policy(`clientSecret: { file: ${files.dir} }`));
    expect(folder.issues).toEqual([
      `${at('folder.yaml')} the file ${files.dir} cannot be read (not a regular file)`,
    ]);
  });

  it('refuses a reference that is not exactly { env: NAME } or { file: PATH }', async () => {
    for (const reference of ['{ env: A, file: b }', '{ env: "" }', '{ path: x }', '{}']) {
      const found = await problems('shape.yaml', policy(`clientSecret: ${reference}`));
      expect(found.issues).toEqual([
        `${files.dir}/shape.yaml:8: issuers.orders.introspection.clientSecret: a reference is { env: NAME } or { file: PATH }, with one non-empty name`,
      ]);
    }
  });

  it('never puts what a variable or file holds into a message', async () => {
    files.write('not-json', `${SECRET}\n`);
    const fromFile = await problems('not-json.yaml', policy('privateKey: { file: not-json }'));
    expect(fromFile.issues).toEqual([
      `${files.dir}/not-json.yaml:8: issuers.orders.introspection.privateKey: the file not-json does not hold a private JWK in JSON`,
    ]);
    const fromEnv = await problems('not-jwk.yaml', policy('privateKey: { env: ORDERS_KEY }'), {
      ORDERS_KEY: `"${SECRET}"`,
    });
    expect(fromEnv.issues).toEqual([
      `${files.dir}/not-jwk.yaml:8: issuers.orders.introspection.privateKey: the environment variable ORDERS_KEY does not hold a private JWK in JSON`,
    ]);
    // A resolved credential that core refuses: core's message names the field, not the value.
    const { d: _, ...publicJwk } = PRIVATE_JWK;
    const refused = await problems('public.yaml', policy('privateKey: { env: ORDERS_KEY }'), {
      ORDERS_KEY: JSON.stringify({ ...publicJwk, x: SECRET }),
    });
    for (const { message } of [fromFile, fromEnv, refused]) expect(message).not.toContain(SECRET);
    expect(refused.message).toContain('introspection.privateKey');
  });
});
