import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFetchTransport } from '../../src/lib/runtime/portable/fetch-transport.js';
import { failure } from './support.js';

const BASE = 'https://idp.example.test';
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const transport = createFetchTransport();
const request = { maxBytes: 1024, timeoutMs: 2000 };

describe('fetch transport', () => {
  it('returns status, headers and body, sends the given headers, omits credentials', async () => {
    let seen: Request | undefined;
    server.use(
      http.get(`${BASE}/keys`, ({ request: incoming }) => {
        seen = incoming;
        return HttpResponse.json({ keys: [] }, { headers: { 'Cache-Control': 'max-age=120' } });
      }),
    );
    const response = await transport.get(`${BASE}/keys`, {
      ...request,
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(response.header('cache-control')).toBe('max-age=120');
    expect(response.header('x-absent')).toBeUndefined();
    expect(JSON.parse(new TextDecoder().decode(response.body))).toEqual({ keys: [] });
    expect(seen?.headers.get('accept')).toBe('application/json');
    expect(seen?.redirect).toBe('manual');
    expect(seen?.credentials).toBe('omit');
  });

  it('returns a 500 as an answer, for the caller to judge', async () => {
    server.use(http.get(`${BASE}/keys`, () => HttpResponse.json({ error: 'boom' }, { status: 500 })));
    const response = await transport.get(`${BASE}/keys`, request);
    expect(response.status).toBe(500);
  });

  it('refuses to follow a redirect: no request reaches the Location (§4.13 Transport)', async () => {
    let followed = 0;
    server.use(
      http.get(
        `${BASE}/keys`,
        () => new HttpResponse(null, { status: 302, headers: { Location: `${BASE}/moved` } }),
      ),
      http.get(`${BASE}/moved`, () => {
        followed += 1;
        return HttpResponse.json({ keys: [] });
      }),
    );
    const response = await transport.get(`${BASE}/keys`, request);
    expect(response.status).toBe(302);
    expect(response.header('location')).toBe(`${BASE}/moved`);
    expect(followed).toBe(0);
  });

  it('aborts a server that never answers, and the server sees the abort (§4.13 timeout)', async () => {
    let serverSawAbort = false;
    server.use(
      http.get(`${BASE}/keys`, async ({ request: incoming }) => {
        incoming.signal.addEventListener('abort', () => {
          serverSawAbort = true;
        });
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const error = await failure(transport.get(`${BASE}/keys`, { ...request, timeoutMs: 50 }));
    expect(error.reason).toBe('timeout');
    expect(error.message).toContain('50 ms');
    expect(serverSawAbort).toBe(true);
  });

  it('applies the deadline to the body too: headers then silence is a timeout', async () => {
    let serverSawAbort = false;
    server.use(
      http.get(`${BASE}/keys`, ({ request: incoming }) => {
        incoming.signal.addEventListener('abort', () => {
          serverSawAbort = true;
        });
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"keys":['));
          },
        });
        return new HttpResponse(stream, { headers: { 'Content-Type': 'application/json' } });
      }),
    );
    const error = await failure(transport.get(`${BASE}/keys`, { ...request, timeoutMs: 50 }));
    expect(error.reason).toBe('timeout');
    expect(serverSawAbort).toBe(true);
  });

  it('refuses a body whose Content-Length exceeds the cap (§4.13 size caps)', async () => {
    server.use(http.get(`${BASE}/keys`, () => HttpResponse.text('x'.repeat(5000))));
    const error = await failure(transport.get(`${BASE}/keys`, request));
    expect(error.reason).toBe('too_large');
  });

  it('stops reading an endless body once it passes the cap, and aborts the request', async () => {
    let serverSawAbort = false;
    server.use(
      http.get(`${BASE}/keys`, ({ request: incoming }) => {
        incoming.signal.addEventListener('abort', () => {
          serverSawAbort = true;
        });
        // No Content-Length and no end: only counting while streaming can stop this.
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            controller.enqueue(new Uint8Array(256).fill(0x20));
          },
        });
        return new HttpResponse(stream, { headers: { 'Content-Type': 'application/json' } });
      }),
    );
    const error = await failure(transport.get(`${BASE}/keys`, request));
    expect(error.reason).toBe('too_large');
    expect(error.message).toContain('1024 bytes');
    expect(serverSawAbort).toBe(true);
  });

  it('reports a connection failure as a network error', async () => {
    server.use(http.get(`${BASE}/keys`, () => HttpResponse.error()));
    const error = await failure(transport.get(`${BASE}/keys`, request));
    expect(error.reason).toBe('network');
  });

  it('uses an injected fetch instead of the global one', async () => {
    const urls: string[] = [];
    const injected = createFetchTransport({
      fetch: async (input) => {
        urls.push(String(input));
        return new Response('{}', { headers: { 'content-type': 'application/json' } });
      },
    });
    const response = await injected.get(`${BASE}/anything`, request);
    expect(response.status).toBe(200);
    expect(urls).toEqual([`${BASE}/anything`]);
  });

  it('times out even an injected fetch that ignores its abort signal', async () => {
    const ignoring = createFetchTransport({ fetch: () => new Promise<Response>(() => undefined) });
    const error = await failure(ignoring.get(`${BASE}/keys`, { ...request, timeoutMs: 30 }));
    expect(error.reason).toBe('timeout');
  });
});
