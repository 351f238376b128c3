import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { PolicyError } from '../src/lib/policy/issues.js';
import { type LoadedPolicy, loadPolicy } from '../src/lib/policy/load.js';
import { tempFiles } from './support/files.js';

const files = tempFiles();
afterAll(() => files.remove());

const ISSUERS = `issuers:
  orders:
    issuer: https://acme.okta.com/oauth2/default
    audience: api://default
  payments:
    issuer: https://acme.okta.com/oauth2/payments
    audience: api://payments
`;

const load = (name: string, text: string) => loadPolicy(files.write(name, text), { onEvent: () => {} });

async function problems(name: string, text: string): Promise<readonly string[]> {
  const error = await load(name, text).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof PolicyError)) throw new Error(`expected a PolicyError, got ${String(error)}`);
  return error.issues;
}

describe('native policy (YAML)', () => {
  it('reads the example of the README: hosts, patterns, methods, requirements, public routes', async () => {
    const policy = await load(
      'example.yaml',
      `${ISSUERS}routes:
  - match: { host: api.example.com, path: /orders/**, methods: [GET, HEAD] }
    issuer: orders
    scopes: [orders:read]
    scopeMatch: all
    claims: { tenant: acme }
  - match: { path: /orders/**, methods: [POST] }
    issuer: orders
    scopes: [orders:write]
  - match: { path: /health }
    auth: none
`,
    );
    expect(policy.rules.map((rule) => rule.label)).toEqual([
      'GET,HEAD api.example.com/orders/**',
      'POST /orders/**',
      '* /health',
    ]);
    const [first, , last] = policy.rules as [LoadedPolicy['rules'][0], unknown, LoadedPolicy['rules'][0]];
    expect(first.access).toMatchObject({
      kind: 'token',
      alternatives: [{ issuers: ['orders'], requirements: { scopes: ['orders:read'], scopeMatch: 'all' } }],
    });
    expect(last.access).toEqual({ kind: 'none' });
    // Only the issuer a rule uses gets a verifier (nothing is fetched for "payments").
    expect([...policy.verifiers.values()].map((slot) => slot.names)).toEqual([['orders']]);
  });

  it('gives a route naming several issuers one verifier that trusts them all', async () => {
    const policy = await load(
      'two.yaml',
      `${ISSUERS}routes:\n  - match: { path: /** }\n    issuers: [orders, payments]\n`,
    );
    const slot = policy.rules[0]!.verifiers[0]!;
    expect(slot.verifier.issuers).toEqual([
      'https://acme.okta.com/oauth2/default',
      'https://acme.okta.com/oauth2/payments',
    ]);
  });

  it('reports every problem with file, line and field', async () => {
    const found = await problems(
      'broken.yaml',
      `issuers:
  orders:
    issuer: https://acme.okta.com/oauth2/default
routes:
  - match: { path: orders/** }
    issuer: orders
  - match: { path: /x, methods: [get] }
    issuer: billing
    scopes: []
  - match: { path: /y }
    auth: none
    scopes: [a]
  - match: { path: /z }
    isuer: orders
`,
    );
    const file = 'broken.yaml';
    expect(found.map((line) => line.replace(`${files.dir}/`, ''))).toEqual([
      `${file}:5: routes[0].match.path: must start with "/"`,
      `${file}:7: routes[1].match.methods[0]: must be an upper-case method such as GET; found "get"`,
      `${file}:8: routes[1].issuer: names the issuer "billing", which is not under issuers (known: orders)`,
      `${file}:9: routes[1].scopes: \`scopes\` must be a non-empty array of scope tokens (RFC 6749 section 3.3); found an empty array`,
      `${file}:12: routes[2].scopes: has no meaning with auth: none (no token is checked)`,
      `${file}:14: routes[3].isuer: unknown field; known fields: name, match, auth, issuer, issuers, scopes, scopeMatch, claims, stepUp`,
      `${file}:13: routes[3].issuer: is required (or auth: none for a public route)`,
    ]);
  });

  it("reports core's own refusal of an issuer's options at the option's line (AT-4, BCP-9)", async () => {
    const found = await problems(
      'issuer.yaml',
      `issuers:
  orders:
    issuer: https://acme.okta.com
    audience: api://default
  plain:
    issuer: http://acme.example.com/oauth2/default
    audience: api://default
  noaudience:
    issuer: https://acme.okta.com/oauth2/default
routes:
  - match: { path: /** }
    issuer: orders
`,
    );
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/issuer\.yaml:3: issuers\.orders\.issuer: .*org/i);
    expect(found[1]).toMatch(/issuer\.yaml:6: issuers\.plain\.issuer: .*https/);
    expect(found[2]).toMatch(/issuer\.yaml:8: issuers\.noaudience: .*audience/);
  });

  it('DP-2: refuses dpop.trustForwardedHeaders without dpop.origins, and as a list of proxy addresses, at their lines', async () => {
    const found = await problems(
      'forwarded.yaml',
      `issuers:
  anyhost:
    issuer: https://acme.okta.com/oauth2/default
    audience: api://default
    dpop: { mode: required, trustForwardedHeaders: true }
  peers:
    issuer: https://acme.okta.com/oauth2/default
    audience: api://default
    dpop:
      mode: required
      origins: [https://api.example.com]
      trustForwardedHeaders: [10.0.0.5]
routes:
  - match: { path: /** }
    issuer: anyhost
`,
    );
    expect(found).toEqual([
      expect.stringMatching(
        /forwarded\.yaml:5: issuers\.anyhost\.dpop\.trustForwardedHeaders: .*Host header the client sent.* dpop\.origins/,
      ),
      expect.stringMatching(
        /forwarded\.yaml:12: issuers\.peers\.dpop\.trustForwardedHeaders: .*true or false/,
      ),
    ]);
  });

  it("DP-2: loads the README's DPoP issuer entry as it is: trustForwardedHeaders beside origins", async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /### DPoP\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    if (block === undefined) throw new Error('the README has no DPoP policy block');
    const policy = await load(
      'readme-dpop.yaml',
      `${block}routes:\n  - match: { path: /** }\n    issuer: orders\n`,
    );
    expect([...policy.verifiers.values()].map((slot) => slot.verifier.dpop?.mode)).toEqual(['required']);
    expect(block).toContain('trustForwardedHeaders: true');
  });

  it('refuses options that only code can give, and a member given twice', async () => {
    expect(
      await problems(
        'fetch.yaml',
        `issuers:\n  a:\n    issuer: https://a.example.com/oauth2/x\n    audience: x\n    fetch: yes\nroutes:\n  - match: { path: /a }\n    auth: none\n`,
      ),
    ).toEqual([expect.stringMatching(/fetch\.yaml:5: issuers\.a\.fetch: cannot be set in a policy file/)]);
    expect(await problems('twice.yaml', 'routes: []\nroutes: []\n')).toEqual([
      expect.stringMatching(/twice\.yaml:2: not valid YAML or JSON: Map keys must be unique/),
    ]);
  });

  it('turns a list as a claim value into "one of these values", and checks it', async () => {
    const policy = await load(
      'claims.yaml',
      `${ISSUERS}routes:\n  - match: { path: /** }\n    issuer: orders\n    claims: { tenant: [acme, globex], tier: gold }\n`,
    );
    const access = policy.rules[0]!.access;
    if (access.kind !== 'token') throw new Error('expected a token rule');
    const tenant = access.alternatives[0]!.requirements.claims!.tenant as (value: unknown) => boolean;
    expect([tenant('acme'), tenant('globex'), tenant('initech')]).toEqual([true, true, false]);
    expect(access.alternatives[0]!.requirements.claims!.tier).toBe('gold');
    expect(
      await problems(
        'claims-bad.yaml',
        `${ISSUERS}routes:\n  - match: { path: /** }\n    issuer: orders\n    claims: { tenant: [] }\n`,
      ),
    ).toEqual([
      expect.stringMatching(
        /claims-bad\.yaml:11: routes\[0\]\.claims\.tenant: a list means "one of these values"/,
      ),
    ]);
  });

  it("reads stepUp as core's acrValues and maxAge (RFC 9470), and names each bad field with its line", async () => {
    const policy = await load(
      'step-up.yaml',
      `${ISSUERS}routes:\n  - match: { path: /payouts/** }\n    issuer: orders\n    stepUp: { acrValues: [urn:tokenward:loa:2], maxAge: 300 }\n`,
    );
    const access = policy.rules[0]!.access;
    if (access.kind !== 'token') throw new Error('expected a token rule');
    expect(access.alternatives[0]!.requirements).toEqual({ acrValues: ['urn:tokenward:loa:2'], maxAge: 300 });
    const found = await problems(
      'step-up-bad.yaml',
      `${ISSUERS}routes:
  - match: { path: /a }
    issuer: orders
    stepUp:
      acrValues: []
      maxAge: -5
  - match: { path: /b }
    issuer: orders
    stepUp: { acr: [x] }
  - match: { path: /c }
    issuer: orders
    stepUp: 300
  - match: { path: /d }
    auth: none
    stepUp: { maxAge: 60 }
`,
    );
    expect(found.map((line) => line.replace(`${files.dir}/`, ''))).toEqual([
      expect.stringMatching(
        /^step-up-bad\.yaml:12: routes\[0\]\.stepUp\.acrValues: `acrValues` must be a non-empty array of acr values/,
      ),
      expect.stringMatching(
        /^step-up-bad\.yaml:13: routes\[0\]\.stepUp\.maxAge: `maxAge` must be a whole number of seconds, 0 or more, e\.g\. 300; found number -5$/,
      ),
      'step-up-bad.yaml:16: routes[1].stepUp.acr: unknown field; known fields: acrValues, maxAge',
      'step-up-bad.yaml:16: routes[1].stepUp: must name acrValues, maxAge or both',
      'step-up-bad.yaml:19: routes[2].stepUp: must be { acrValues: [...], maxAge: <seconds> }; found number 300',
      'step-up-bad.yaml:22: routes[3].stepUp: has no meaning with auth: none (no token is checked)',
    ]);
  });

  it("loads the README's policy block as it is, stepUp rule included", async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /## Policy\n\n```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    if (block === undefined) throw new Error('the README has no policy block');
    const policy = await load('readme.yaml', block);
    const payouts = policy.rules.find((rule) => rule.label === 'POST /payouts/**');
    expect(payouts?.access).toMatchObject({
      kind: 'token',
      alternatives: [
        { issuers: ['payments'], requirements: { acrValues: ['urn:okta:loa:2fa:any'], maxAge: 300 } },
      ],
    });
  });

  it('refuses issuers sharing a route but not their verifier-wide settings', async () => {
    const found = await problems(
      'mixed.yaml',
      `issuers:
  a: { issuer: https://a.example.com/oauth2/x, audience: x, clockTolerance: 10 }
  b: { issuer: https://a.example.com/oauth2/y, audience: y }
routes:
  - match: { path: /** }
    issuers: [a, b]
`,
    );
    expect(found).toEqual([
      expect.stringMatching(/mixed\.yaml:6: routes\[0\]\.issuers: these issuers share one verifier/),
    ]);
  });

  it('names a file that cannot be read, and YAML that does not parse', async () => {
    await expect(loadPolicy(`${files.dir}/missing.yaml`, { onEvent: () => {} })).rejects.toThrow(
      /missing\.yaml: cannot be read \(no such file\)/,
    );
    expect(await problems('bad.yaml', 'routes:\n  - match: { path: /a\n')).toEqual([
      expect.stringMatching(/^.*bad\.yaml:\d+: not valid YAML or JSON: /),
    ]);
  });
});

describe('native policy (JSON)', () => {
  it('reads JSON, with lines in its problems too', async () => {
    const policy = await load(
      'policy.json',
      JSON.stringify(
        {
          issuers: { orders: { issuer: 'https://acme.okta.com/oauth2/default', audience: 'api://default' } },
          routes: [
            { match: { path: '/orders/*', methods: ['GET'] }, issuer: 'orders', scopes: ['orders:read'] },
          ],
        },
        null,
        2,
      ),
    );
    expect(policy.rules).toHaveLength(1);
    const found = await problems(
      'policy-bad.json',
      '{\n  "routes": [\n    { "match": { "path": "/a" }, "auth": "maybe" }\n  ]\n}\n',
    );
    expect(found).toEqual([
      expect.stringMatching(
        /policy-bad\.json:3: routes\[0\]\.auth: must be "none" or "required" \(the default\); found "maybe"/,
      ),
    ]);
  });
});

describe('OpenAPI 3.0/3.1 documents as policies', () => {
  const openapi = (version: string, extra = '') => `openapi: ${version}
info: { title: Orders, version: '1' }
servers:
  - url: https://api.example.com/v1
x-tokenward:
  issuers:
    okta:
      issuer: https://acme.okta.com/oauth2/default
      audience: api://default
components:
  securitySchemes:
    okta:
      type: oauth2
      flows: { clientCredentials: { tokenUrl: https://acme.okta.com/oauth2/default/v1/token, scopes: {} } }
    key: { type: apiKey, in: header, name: X-Key }
paths:
  /orders/{id}:
    get:
      operationId: getOrder
      security: [{ okta: [orders:read] }, { okta: [orders:admin] }]
    delete:
      security: [{ key: [] }]
  /orders/mine:
    get:
      security: [{ okta: [orders:read, orders:mine] }]
  /status:
    get:
      security: []
  /undocumented:
    post: {}
${extra}`;

  it.each(['3.0.3', '3.1.0'])(
    'turns security requirements (OR of AND lists) into rules, OpenAPI %s',
    async (version) => {
      const policy = await load(`openapi-${version}.yaml`, openapi(version));
      // Concrete paths before templated ones, as OpenAPI matches them.
      expect(
        policy.rules.map((rule) => `${rule.label} ${[...rule.methods!][0]} ${rule.path.source}`),
      ).toEqual([
        'GET /status GET /v1/status',
        'GET /orders/mine GET /v1/orders/mine',
        'getOrder GET /v1/orders/*',
      ]);
      const getOrder = policy.rules[2]!.access;
      expect(getOrder).toMatchObject({
        kind: 'token',
        alternatives: [
          { issuers: ['okta'], requirements: { scopes: ['orders:read'] } },
          { issuers: ['okta'], requirements: { scopes: ['orders:admin'] } },
        ],
      });
      expect(policy.rules[1]!.access).toMatchObject({
        alternatives: [{ requirements: { scopes: ['orders:read', 'orders:mine'] } }],
      });
      expect(policy.rules[0]!.access).toEqual({ kind: 'none' });
      expect(policy.warnings).toEqual([
        'DELETE /orders/{id}: the alternative key is not one OAuth scheme; skipped',
        'DELETE /orders/{id} has no OAuth security requirement the gateway can check: not routed, so it is refused',
        'GET /status declares anonymous access (an empty security requirement): routed with auth: none',
        'POST /undocumented has no security requirement: not routed, so it is refused',
      ]);
    },
  );

  it('needs an issuer for each OAuth scheme, and names the line', async () => {
    const found = await problems(
      'openapi-bad.yaml',
      openapi('3.1.0').replace('    okta:\n      issuer', '    other:\n      issuer'),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /openapi-bad\.yaml:12: components\.securitySchemes\.okta: no issuer "okta" under x-tokenward\.issuers/,
      ),
    ]);
  });

  it('refuses OpenAPI 2 (Swagger) documents', async () => {
    const swagger = openapi('3.0.3').replace('openapi: 3.0.3', "swagger: '2.0'");
    expect(await problems('swagger.yaml', swagger)).toEqual([
      expect.stringMatching(/swagger\.yaml:1: swagger: OpenAPI 2 \(Swagger\) documents are not read/),
    ]);
    expect(await problems('openapi4.yaml', openapi("'4.0.0'"))).toEqual([
      expect.stringMatching(
        /openapi4\.yaml:1: openapi: OpenAPI 3\.0 and 3\.1 documents are read; found "4\.0\.0"/,
      ),
    ]);
  });
});
