/**
 * The recipes: the README shows exactly the files in `recipes/` (the NGINX and Caddy ones run for
 * real in proxies.test.ts), and the Traefik and Envoy ones, whose proxies cannot be installed
 * here, are held to the contract by sending what those proxies send, as their configuration says.
 */
import { readFileSync } from 'node:fs';
import { DEFAULTS } from '@tokenward/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_DECISION_TIMEOUT } from '../src/lib/decision/deadline.js';
import { readRecipe as recipe } from '../src/recipes.js';
import { askAsTraefik } from './support/traefik.js';
import { startWorld, type World } from './support/world.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

const gatewayAddress = (url: string) => url.replace('127.0.0.1:4180', new URL(world.gateway.url).host);

describe('the README', () => {
  it.each(['nginx.conf', 'Caddyfile', 'traefik.yml', 'envoy-http.yaml', 'envoy-grpc.yaml'] as const)(
    'shows recipes/%s as it is tested',
    (name) => {
      expect(README).toContain(recipe(name).trimEnd());
    },
  );
});

describe('how long each recipe waits for the gateway', () => {
  // The longest one decision takes: past its deadline the gateway answers 503 with Retry-After.
  // A recipe that gives up sooner turns that answer into the proxy's own timeout. The deadline
  // itself is above the longest fetch with the issuers' default httpTimeout (discovery, then the
  // key set), so a request whose keys are due still gets them.
  it('has a default decision deadline above the longest fetch with the default httpTimeout', () => {
    expect(DEFAULT_DECISION_TIMEOUT).toBeGreaterThan(2 * DEFAULTS.httpTimeout);
  });
  const envoyFilter = (name: 'envoy-http.yaml' | 'envoy-grpc.yaml') =>
    (
      parse(recipe(name)) as {
        http_filters: {
          typed_config: {
            http_service?: { server_uri: { timeout: string } };
            grpc_service?: { timeout: string };
          };
        }[];
      }
    ).http_filters[0]!.typed_config;

  it.each([
    ['nginx.conf', 'proxy_read_timeout', () => /proxy_read_timeout (\S+);/.exec(recipe('nginx.conf'))?.[1]],
    [
      'Caddyfile',
      'response_header_timeout',
      () => /response_header_timeout (\S+)/.exec(recipe('Caddyfile'))?.[1],
    ],
    ['envoy-http.yaml', 'timeout', () => envoyFilter('envoy-http.yaml').http_service?.server_uri.timeout],
    ['envoy-grpc.yaml', 'timeout', () => envoyFilter('envoy-grpc.yaml').grpc_service?.timeout],
  ])('%s waits (%s) longer than the gateway takes for a decision', (_name, _setting, wait) => {
    const written = wait();
    const seconds = /^(\d+)s$/.exec(written ?? '')?.[1];
    expect(seconds, `${written}`).toBeDefined();
    expect(Number(seconds)).toBeGreaterThan(DEFAULT_DECISION_TIMEOUT);
  });
});

describe('Traefik forwardAuth (the headers Traefik sends)', () => {
  const config = parse(recipe('traefik.yml')) as {
    http: { middlewares: { tokenward: { forwardAuth: { address: string; authResponseHeaders: string[] } } } };
  };
  const { address, authResponseHeaders } = config.http.middlewares.tokenward.forwardAuth;

  const traefik = (method: string, uri: string, clientHeaders: Record<string, string>) =>
    askAsTraefik(gatewayAddress(address), method, uri, clientHeaders);

  it('strips the "_" spellings of those headers before asking', () => {
    const routers = parse(recipe('traefik.yml')).http as {
      routers: { orders: { middlewares: string[] } };
      middlewares: { 'tokenward-lookalikes': { headers: { customRequestHeaders: Record<string, string> } } };
    };
    expect(routers.routers.orders.middlewares).toEqual([
      'tokenward-lookalikes',
      'tokenward-descriptions',
      'tokenward',
    ]);
    expect(routers.middlewares['tokenward-lookalikes'].headers.customRequestHeaders).toEqual(
      Object.fromEntries(authResponseHeaders.map((name) => [name.replaceAll('-', '_'), ''])),
    );
  });

  it('drops a client’s Forwarded, X-Original-URL and X-Rewrite-URL, which an API may read instead of Host and the target', () => {
    const http = parse(recipe('traefik.yml')).http as {
      middlewares: {
        'tokenward-descriptions': { headers: { customRequestHeaders: Record<string, string> } };
      };
    };
    expect(http.middlewares['tokenward-descriptions'].headers.customRequestHeaders).toEqual({
      Forwarded: '',
      'X-Original-URL': '',
      'X-Rewrite-URL': '',
    });
  });

  it('gets every header authResponseHeaders copies when the request is allowed', async () => {
    const token = await world.token(['orders:read']);
    const response = await traefik('GET', '/orders/1', { Authorization: `Bearer ${token}` });
    expect(response.status).toBe(200);
    for (const header of authResponseHeaders) expect(response.headers.get(header), header).not.toBeNull();
  });

  it('gets the refusal Traefik relays to the client: status, challenge and JSON body', async () => {
    const token = await world.token(['orders:read']);
    const response = await traefik('POST', '/orders', { Authorization: `Bearer ${token}` });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(await response.json()).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE' });
  });
});

describe('Envoy ext_authz over HTTP (what the filter sends)', () => {
  const config = parse(recipe('envoy-http.yaml')) as {
    http_filters: {
      typed_config: {
        http_service?: {
          server_uri: { uri: string };
          path_prefix: string;
          authorization_response: {
            allowed_upstream_headers: { patterns: { prefix: string }[] };
            allowed_client_headers: { patterns: { exact: string }[] };
            allowed_client_headers_on_success: { patterns: { exact: string }[] };
          };
        };
        allowed_headers: { patterns: { exact: string }[] };
        status_on_error: { code: string };
      };
    }[];
  };
  const filter = config.http_filters[0]!.typed_config;
  const service = filter.http_service!;
  // Envoy always sends these, plus the allowed_headers patterns.
  const sent = new Set([
    'host',
    'content-length',
    'authorization',
    ...filter.allowed_headers.patterns.map((p) => p.exact),
  ]);

  /** Envoy's check request: the original method, path_prefix + the original path, allowed headers only. */
  const envoy = (method: string, path: string, clientHeaders: Record<string, string>) =>
    fetch(`${gatewayAddress(service.server_uri.uri)}${service.path_prefix}${path}`, {
      method,
      headers: Object.fromEntries(
        Object.entries(clientHeaders).filter(([name]) => sent.has(name.toLowerCase())),
      ),
    });

  it('allows with identity headers the allowed_upstream_headers patterns pass on', async () => {
    const token = await world.token(['orders:read']);
    const response = await envoy('GET', '/orders/1?x=1', {
      Authorization: `Bearer ${token}`,
      'X-Auth-Subject': 'mallory',
    });
    expect(response.status).toBe(200);
    const prefixes = service.authorization_response.allowed_upstream_headers.patterns.map((p) => p.prefix);
    const identity = [...response.headers.keys()].filter((name) => name.startsWith('x-auth-'));
    expect(identity.sort()).toEqual(['x-auth-client-id', 'x-auth-issuer', 'x-auth-scopes', 'x-auth-subject']);
    expect(identity.every((name) => prefixes.some((prefix) => name.startsWith(prefix)))).toBe(true);
    expect(response.headers.get('x-auth-subject')).toBe('alice');
  });

  it('refuses with the headers allowed_client_headers passes to the client', async () => {
    const response = await envoy('POST', '/orders', {
      Authorization: `Bearer ${await world.token(['orders:read'])}`,
    });
    expect(response.status).toBe(403);
    const passed = service.authorization_response.allowed_client_headers.patterns.map((p) => p.exact);
    for (const header of ['www-authenticate', 'content-type', 'cache-control']) {
      expect(response.headers.get(header), header).not.toBeNull();
      expect(passed).toContain(header);
    }
  });

  it("answers a key-set outage 5xx, which Envoy replaces by the recipe's status_on_error: 503", async () => {
    world.issuer.setFault({ server: 'default', endpoint: 'jwks', status: 503 });
    try {
      world.issuer.server('default').rotateKeys();
      const response = await envoy('GET', '/orders/1', {
        Authorization: `Bearer ${await world.token(['orders:read'])}`,
      });
      // Envoy's HTTP client treats every 5xx of the authorizer as an error, whatever it carries.
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(filter.status_on_error.code).toBe('ServiceUnavailable');
    } finally {
      world.issuer.clearFaults();
    }
  });

  it('sends the method-override headers, so a POST the API would run as a GET is decided as one', async () => {
    const response = await envoy('POST', '/orders/1', {
      Authorization: `Bearer ${await world.token(['orders:write'])}`,
      'X-HTTP-Method-Override': 'GET',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'ERR_INVALID_REQUEST' });
  });

  it('sends the CORS preflight headers the gateway routes a preflight by', async () => {
    const preflight = { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST' };
    expect((await envoy('OPTIONS', '/orders', preflight)).status).toBe(200);
  });
});

describe('Envoy ext_authz over gRPC', () => {
  it('talks HTTP/2 to the port the README starts the gateway with', () => {
    const config = parse(recipe('envoy-grpc.yaml')) as {
      clusters: {
        typed_extension_protocol_options: Record<
          string,
          { explicit_http_config: { http2_protocol_options: object } }
        >;
        load_assignment: {
          endpoints: {
            lb_endpoints: { endpoint: { address: { socket_address: { port_value: number } } } }[];
          }[];
        };
      }[];
    };
    const cluster = config.clusters[0]!;
    const port =
      cluster.load_assignment.endpoints[0]!.lb_endpoints[0]!.endpoint.address.socket_address.port_value;
    expect(README).toContain(`--grpc-port ${port}`);
    expect(
      Object.values(cluster.typed_extension_protocol_options)[0]!.explicit_http_config.http2_protocol_options,
    ).toEqual({});
  });
});
