/**
 * The protected resource metadata that Express and Fastify serve, fetched over real sockets and
 * held to RFC 9728 as a client would hold it: the URL formed by inserting the well-known segment
 * between host and path (section 3.1), a 200 JSON object (section 3.2) whose `resource` is
 * identical to the resource identifier the URL was formed from (section 3.3), and members of the
 * types section 2 gives them, naming authorization servers whose own metadata answers (RFC 8414).
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAccessTokenVerifier, isTokenwardError } from '@tokenward/core';
import { resourceMetadataHandler } from '@tokenward/express';
import tokenward, { resourceMetadataPlugin } from '@tokenward/fastify';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const METADATA_OPTIONS = { scopesSupported: ['mcp:tools', 'mcp:admin'], resourceName: 'Orders MCP' };

let org: ReferenceIssuer;
beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['payments'] });
});
afterAll(() => org?.close());

interface Served {
  /** The resource identifier (canonical): this server's own URL plus `path`. */
  readonly resource: string;
  close(): Promise<void>;
}

/** Listens first, so the resource can be the server's real URL, then serves the metadata. */
async function listening(server: Server, path: string): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
}

const issuer = () => org.server('payments').issuer;

const adapters: Record<string, (path: string) => Promise<Served>> = {
  async express(path) {
    const app = express();
    const server = createServer(app);
    const resource = await listening(server, path);
    const verifier = createAccessTokenVerifier({ issuer: issuer(), resource });
    app.use(resourceMetadataHandler(verifier, METADATA_OPTIONS));
    return { resource: verifier.resource as string, close: () => closeServer(server) };
  },
  async fastify(path) {
    let server: Server | undefined;
    const app = Fastify({
      serverFactory: (handler) => {
        server = createServer(handler);
        return server;
      },
    });
    const resource = await listening(server as unknown as Server, path);
    const verifier = createAccessTokenVerifier({ issuer: issuer(), resource });
    await app.register(resourceMetadataPlugin, { verifier, ...METADATA_OPTIONS });
    await app.ready();
    return { resource: verifier.resource as string, close: () => app.close() };
  },
};

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** RFC 9728 section 3.1, written here independently of tokenward: insert, do not append. */
function metadataUrlOf(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}

const isStringArray = (value: unknown) =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/** What a careful client checks before it uses a metadata document (RFC 9728 sections 2, 3.2, 3.3). */
async function fetchAndValidate(resource: string): Promise<Record<string, unknown>> {
  const response = await fetch(metadataUrlOf(resource));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json\b/);
  const document = (await response.json()) as Record<string, unknown>;
  expect(typeof document).toBe('object');
  expect(document.resource).toBe(resource);
  for (const member of ['authorization_servers', 'scopes_supported', 'bearer_methods_supported']) {
    if (member in document) expect(isStringArray(document[member]), member).toBe(true);
  }
  for (const method of document.bearer_methods_supported as string[]) {
    expect(['header', 'body', 'query']).toContain(method);
  }
  // Every authorization server named publishes its own metadata under its issuer (RFC 8414 section 3.3).
  for (const issuer of document.authorization_servers as string[]) {
    const { origin, pathname } = new URL(issuer);
    const answer = await fetch(`${origin}/.well-known/oauth-authorization-server${pathname}`);
    expect(((await answer.json()) as { issuer?: unknown }).issuer).toBe(issuer);
  }
  return document;
}

describe.each(Object.keys(adapters))('protected resource metadata through %s (RFC 9728)', (name) => {
  const start = adapters[name] as (path: string) => Promise<Served>;

  it.each(['/mcp', '/tenants/acme/mcp', '/'])(
    'PR-3, PR-4, PR-5: for the resource at path %s, serves a valid document whose resource is the URL it was formed from',
    async (path) => {
      const served = await start(path);
      try {
        const document = await fetchAndValidate(served.resource);
        expect(document).toEqual({
          resource: served.resource,
          authorization_servers: [issuer()],
          bearer_methods_supported: ['header'],
          scopes_supported: ['mcp:tools', 'mcp:admin'],
          resource_name: 'Orders MCP',
        });
        // Appended to the path instead of inserted, the URL finds nothing (section 3.1).
        if (path !== '/') {
          const appended = `${served.resource}/.well-known/oauth-protected-resource`;
          expect((await fetch(appended)).status).toBe(404);
        }
      } finally {
        await served.close();
      }
    },
  );

  it('PR-3: answers HEAD with the headers only, and a CORS preflight with 204', async () => {
    const served = await start('/mcp');
    try {
      const url = metadataUrlOf(served.resource);
      const head = await fetch(url, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('access-control-allow-origin')).toBe('*');
      expect(await head.text()).toBe('');
      const preflight = await fetch(url, {
        method: 'OPTIONS',
        headers: { origin: 'https://inspector.example', 'access-control-request-method': 'GET' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-methods')).toContain('GET');
    } finally {
      await served.close();
    }
  });
});

describe('misconfigured metadata handlers fail at start-up', () => {
  const plain = () =>
    createAccessTokenVerifier({ issuer: org.server('default').issuer, audience: 'api://default' });
  const configError = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return isTokenwardError(error) ? error.code : error;
    }
    return 'no error';
  };

  it('refuses a verifier without a resource (Express)', () => {
    expect(configError(() => resourceMetadataHandler(plain()))).toBe('ERR_CONFIG');
  });

  it('refuses a verifier without a resource (Fastify)', async () => {
    const app = Fastify();
    await expect(app.register(resourceMetadataPlugin, { verifier: plain() }).ready()).rejects.toMatchObject({
      code: 'ERR_CONFIG',
    });
    await app.close();
  });

  it('PR-3: refuses registration under a prefix, where no client would look (Fastify)', async () => {
    const verifier = createAccessTokenVerifier({
      issuer: org.server('default').issuer,
      resource: 'https://mcp.example.com/mcp',
    });
    const app = Fastify();
    const starting = (async () => {
      await app.register(
        async (api) => {
          await api.register(tokenward, { verifier });
          await api.register(resourceMetadataPlugin, { verifier });
        },
        { prefix: '/api' },
      );
      await app.ready();
    })();
    await expect(starting).rejects.toMatchObject({
      code: 'ERR_CONFIG',
      message: expect.stringContaining('prefix'),
    });
    await app.close();
  });
});
