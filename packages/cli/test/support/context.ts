/**
 * What the spawned-binary tests share: one reference issuer on loopback (org server, `default`,
 * `payments`) and a client allowed the order scopes, filled in by `cli.test.ts` before any test.
 */
import type { ReferenceIssuer } from '@tokenward/issuer';

export const CLIENT = { clientId: 'cli-tests', clientSecret: 'cli-tests-secret' } as const;
export const ORDER_SCOPES = ['orders:read', 'orders:refund'];

export interface CliTestContext {
  issuer: ReferenceIssuer;
}

/** Set in `beforeAll`; read only inside tests. */
export const context = {} as CliTestContext;

/** A token by a real client_credentials request to a server's token endpoint. */
export async function clientCredentialsToken(serverId: string, scopes: readonly string[]): Promise<string> {
  const basic = Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64');
  const response = await fetch(context.issuer.server(serverId).tokenEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' ') }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (body.access_token === undefined) throw new Error(`token request answered ${response.status}`);
  return body.access_token;
}

/** The issuer URL of a server of the shared issuer. */
export function issuerOf(serverId: string): string {
  return context.issuer.server(serverId).issuer;
}
