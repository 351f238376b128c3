/**
 * One reference issuer (org server plus the `default` and `payments` custom servers), a policy
 * file for it, and a gateway started from that file: what every end-to-end test of this package
 * stands on.
 */
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { type Gateway, type GatewayOptions, startGateway } from '../../src/gateway.js';
import { type TempFiles, tempFiles } from './files.js';

export interface World {
  readonly issuer: ReferenceIssuer;
  readonly gateway: Gateway;
  readonly files: TempFiles;
  readonly policyFile: string;
  /** Log lines the gateway wrote. */
  readonly logs: string[];
  /** A token from the `default` server with these scopes (and claims). */
  token(scopes: readonly string[], claims?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** The policy every end-to-end test uses, for the issuer at `defaultIssuer`. */
export function testPolicy(defaultIssuer: string): string {
  return `# Orders API behind a proxy
issuers:
  orders:
    issuer: ${defaultIssuer}
    audience: api://default
routes:
  - match: { path: /health }
    auth: none
  - match: { path: /orders/**, methods: [GET, HEAD] }
    issuer: orders
    scopes: [orders:read]
  - match: { path: /orders/**, methods: [POST] }
    issuer: orders
    scopes: [orders:write]
  - match: { path: /payouts/**, methods: [POST] }
    issuer: orders
    stepUp: { acrValues: [urn:tokenward:loa:2], maxAge: 300 }
  - match: { path: /tenants/*/reports, methods: [GET] }
    issuer: orders
    claims: { tenant: [acme, globex] }
`;
}

/**
 * A site behind the gateway: public pages under a catch-all rule, with protected areas a request
 * must not reach by a second spelling of its path, method or host.
 */
export function sitePolicy(defaultIssuer: string): string {
  return `issuers:
  orders:
    issuer: ${defaultIssuer}
    audience: api://default
routes:
  - match: { host: admin.example.com, path: /** }
    issuer: orders
    scopes: [admin]
  - match: { path: /admin/** }
    issuer: orders
    scopes: [admin]
  - match: { path: /settings, methods: [GET, PUT] }
    issuer: orders
    scopes: [settings]
  - match: { path: /orders/**, methods: [GET] }
    issuer: orders
    scopes: [orders:read]
  - match: { path: /** }
    auth: none
`;
}

export async function startWorld(
  options: Partial<GatewayOptions> = {},
  policy: (defaultIssuer: string) => string = testPolicy,
): Promise<World> {
  const issuer = await startIssuer({ port: 0, servers: ['default', 'payments'] });
  const files = tempFiles();
  const policyFile = files.write('policy.yaml', policy(issuer.server('default').issuer));
  const logs: string[] = [];
  let gateway: Gateway;
  try {
    gateway = await startGateway({
      policy: policyFile,
      port: 0,
      onLog: (line) => logs.push(line),
      ...options,
    });
  } catch (error) {
    await issuer.close();
    files.remove();
    throw error;
  }
  return {
    issuer,
    gateway,
    files,
    policyFile,
    logs,
    token: (scopes, claims = {}) =>
      issuer
        .server('default')
        .mintAccessToken({ sub: 'alice', scp: [...scopes], cid: '0oa-orders-app', ...claims }),
    async close() {
      await gateway.close();
      await issuer.close();
      files.remove();
    },
  };
}
