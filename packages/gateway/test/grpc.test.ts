/**
 * Envoy's gRPC ext_authz: a grpc-js client plays Envoy and sends real CheckRequest messages
 * (encoded from a fuller definition than the gateway's, with peers, a timestamp and a body).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckClient, connectCheckClient, headerMap } from './support/grpc-client.js';
import { startWorld, type World } from './support/world.js';

let world: World;
let client: CheckClient;
const check = (http: Record<string, unknown>) => client.check(http);

beforeAll(async () => {
  world = await startWorld({ grpcPort: 0 });
  client = connectCheckClient(world.gateway.grpcAddress!);
});
afterAll(async () => {
  client.close();
  await world.close();
});

describe('Authorization/Check', () => {
  it('allows with status OK, overwrites identity headers and removes the ones it does not set', async () => {
    const token = await world.token(['orders:read']);
    const response = await check({
      method: 'GET',
      path: '/orders/7?expand=items',
      host: 'api.example.com',
      scheme: 'https',
      headers: { authorization: `Bearer ${token}`, 'x-auth-subject': 'mallory' },
      body: 'ignored',
    });
    expect(response.status.code).toBe(0);
    expect(response.http_response).toBe('ok_response');
    expect(headerMap(response.ok_response!.headers)).toEqual({
      'X-Auth-Subject': 'alice',
      'X-Auth-Scopes': 'orders:read',
      'X-Auth-Client-Id': '0oa-orders-app',
      'X-Auth-Issuer': world.issuer.server('default').issuer,
    });
    // OVERWRITE_IF_EXISTS_OR_ADD: the client's own X-Auth-Subject is replaced, not appended to.
    expect(response.ok_response!.headers.every((option) => option.append_action === 2)).toBe(true);
  });

  it('emits the verified identity as dynamic metadata for the filters and access logs after ext_authz', async () => {
    const token = await world.issuer
      .server('default')
      .mintAccessToken({ sub: 'bob\r\nü', scp: ['orders:read', 'orders:write'], cid: 'app' });
    const response = await check({
      method: 'GET',
      path: '/orders/7',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status.code).toBe(0);
    const fields = response.dynamic_metadata!.fields;
    expect(fields.subject).toMatchObject({ stringValue: 'bob\r\nü' });
    expect(fields.scopes!.listValue!.values.map((value) => value.stringValue)).toEqual([
      'orders:read',
      'orders:write',
    ]);
    expect(fields.client_id).toMatchObject({ stringValue: 'app' });
    expect(fields.issuer).toMatchObject({ stringValue: world.issuer.server('default').issuer });
    const open = await check({ method: 'GET', path: '/health', headers: {} });
    expect(open.dynamic_metadata ?? null).toBeNull();
  });

  it('removes every identity header on a public route, and their look-alikes spelled with "_"', async () => {
    const response = await check({
      method: 'GET',
      path: '/health',
      host: 'api.example.com',
      headers: { 'x-auth-subject': 'x' },
    });
    expect(response.status.code).toBe(0);
    expect(response.ok_response!.headers_to_remove).toEqual([
      'x-auth-subject',
      'x-auth-scopes',
      'x-auth-client-id',
      'x-auth-issuer',
      'x_auth_subject',
      'x_auth_scopes',
      'x_auth_client_id',
      'x_auth_issuer',
    ]);
  });

  it('denies a missing token: UNAUTHENTICATED, and the 401 Envoy sends with its challenge and body', async () => {
    const response = await check({ method: 'GET', path: '/orders/7', host: 'api.example.com', headers: {} });
    expect(response.status.code).toBe(16);
    expect(response.http_response).toBe('denied_response');
    const denied = response.denied_response!;
    expect(denied.status.code).toBe(401);
    expect(headerMap(denied.headers)['WWW-Authenticate']).toBe('Bearer realm="api", scope="orders:read"');
    expect(JSON.parse(denied.body)).toEqual({
      error_description: 'Expected a bearer token in the Authorization header; the request carried none',
      code: 'ERR_TOKEN_MISSING',
    });
  });

  it('denies a missing scope: PERMISSION_DENIED with a 403 insufficient_scope challenge', async () => {
    const token = await world.token(['orders:read']);
    const response = await check({
      method: 'POST',
      path: '/orders',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status.code).toBe(7);
    expect(response.denied_response!.status.code).toBe(403);
    expect(headerMap(response.denied_response!.headers)['WWW-Authenticate']).toContain(
      'scope="orders:write"',
    );
  });

  it('denies by default and refuses traversal, as the HTTP endpoints do', async () => {
    const token = await world.token(['orders:read']);
    const denied = await check({
      method: 'GET',
      path: '/admin',
      headers: { authorization: `Bearer ${token}` },
    });
    expect([denied.status.code, denied.denied_response!.status.code]).toEqual([7, 403]);
    expect(JSON.parse(denied.denied_response!.body)).toMatchObject({ code: 'ERR_POLICY_DENIED' });
    for (const path of ['/orders/../admin', '/orders/%2f..%2fadmin']) {
      const ambiguous = await check({ method: 'GET', path, headers: { authorization: `Bearer ${token}` } });
      expect([ambiguous.status.code, ambiguous.denied_response!.status.code], path).toEqual([3, 400]);
    }
  });

  it('reads raw header lists (encode_raw_headers) and refuses two Authorization lines (BT-9)', async () => {
    const token = await world.token(['orders:read']);
    const raw = (key: string, value: string) => ({ key, raw_value: Buffer.from(value) });
    const one = await check({
      method: 'GET',
      path: '/orders/7',
      header_map: { headers: [raw('authorization', `Bearer ${token}`)] },
    });
    expect(one.status.code).toBe(0);
    const two = await check({
      method: 'GET',
      path: '/orders/7',
      header_map: {
        headers: [raw('authorization', `Bearer ${token}`), raw('authorization', `Bearer ${token}`)],
      },
    });
    expect([two.status.code, two.denied_response!.status.code]).toEqual([3, 400]);
  });

  it('answers a CheckRequest without an HTTP request INVALID_ARGUMENT', async () => {
    const response = await check({});
    expect(response.status.code).toBe(3);
  });

  it('counts gRPC decisions apart', async () => {
    expect(await world.gateway.metrics()).toMatch(
      /tokenward_gateway_decisions_total\{route="GET,HEAD \/orders\/\*\*",code="OK",via="envoy_grpc"\} \d/,
    );
  });
});
