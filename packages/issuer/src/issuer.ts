import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReferenceAuthServer } from './auth-server.js';
import { handleAdmin } from './endpoints/admin.js';
import { DelayTimers } from './lib/apply-fault.js';
import { ClientRegistry } from './lib/clients.js';
import { CodeStore } from './lib/codes.js';
import type { IssuerState } from './lib/context.js';
import { RequestCounter } from './lib/counters.js';
import { FaultTable, parseFault } from './lib/faults.js';
import { handleRequest, type RequestDependencies } from './lib/handle-request.js';
import { generateSigningKeyInBackground, type SigningKey } from './lib/keys.js';
import { assertServerId, generateServerId, type IssuerSettings, resolveSettings } from './lib/options.js';
import { ReplayGuard } from './lib/replay.js';
import { resolveSignIn, TestUserSession } from './lib/session.js';
import type { AuthServer, Endpoint, Fault, IssuerOptions, ReferenceIssuer, TestUserSignIn } from './types.js';

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function originOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

class RunningIssuer implements ReferenceIssuer {
  readonly origin: string;
  readonly orgServer: ReferenceAuthServer;
  readonly #custom = new Map<string, ReferenceAuthServer>();
  readonly #faults = new FaultTable();
  readonly #counter = new RequestCounter();
  readonly #timers = new DelayTimers();
  readonly #settings: IssuerSettings;
  readonly #session: TestUserSession;
  readonly #http: Server;
  #closing: Promise<void> | undefined;

  constructor(http: Server, origin: string, settings: IssuerSettings, initialKeys: SigningKey[]) {
    this.#http = http;
    this.origin = origin;
    this.#settings = settings;
    this.#session = new TestUserSession(settings.testUserSignIn);
    this.orgServer = this.#createServer('org', 'org', initialKeys[0]);
    settings.servers.forEach((id, index) => {
      this.#custom.set(id, this.#createServer('custom', id, initialKeys[index + 1]));
    });
    const state: IssuerState = {
      origin,
      clients: new ClientRegistry(settings.clients),
      codes: new CodeStore(),
      replay: new ReplayGuard(),
      session: this.#session,
      jwksMaxAge: settings.jwksMaxAge,
    };
    const dependencies: RequestDependencies = {
      state,
      counter: this.#counter,
      faults: this.#faults,
      timers: this.#timers,
      adminEnabled: settings.admin,
      orgServerLayout: settings.orgServerLayout,
      findServer: (id) => (id === 'org' ? this.orgServer : this.#custom.get(id)),
      handleAdmin: (route, request, response) =>
        handleAdmin(route.resource, request, response, this.#faults, this.#counter),
    };
    http.on('request', (req, res) => {
      void handleRequest(req, res, dependencies);
    });
  }

  get servers(): readonly AuthServer[] {
    return [...this.#custom.values()];
  }

  server(id: string): AuthServer {
    const found = id === 'org' ? this.orgServer : this.#custom.get(id);
    if (!found) throw new Error(`no authorization server "${id}" on ${this.origin}`);
    return found;
  }

  addServer(id: string = generateServerId()): AuthServer {
    assertServerId(id);
    if (this.#custom.has(id)) throw new Error(`authorization server "${id}" already exists`);
    const server = this.#createServer('custom', id);
    this.#custom.set(id, server);
    return server;
  }

  signInTestUser(signIn: TestUserSignIn = {}): void {
    this.#session.set(resolveSignIn(signIn, 'signInTestUser', Math.floor(Date.now() / 1000)));
  }

  setFault(fault: Fault): void {
    this.#faults.set(parseFault(fault));
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  requestCount(filter?: { server?: string; endpoint?: Endpoint }): number {
    return this.#counter.count(filter);
  }

  resetCounts(): void {
    this.#counter.reset();
  }

  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#timers.cancelAll();
      this.#http.close(() => resolve());
      // Also drops sockets parked by `delayMs: 'never'` and idle keep-alive connections.
      this.#http.closeAllConnections();
    });
    return this.#closing;
  }

  #createServer(kind: 'org' | 'custom', id: string, initialKey?: SigningKey): ReferenceAuthServer {
    const { alg, rotationOverlap, dpopNonce, orgServerLayout } = this.#settings;
    const requireDpopNonce = dpopNonce === true || (Array.isArray(dpopNonce) && dpopNonce.includes(id));
    return new ReferenceAuthServer({
      kind,
      id,
      origin: this.origin,
      alg,
      rotationOverlap,
      orgServerLayout,
      requireDpopNonce,
      initialKey,
    });
  }
}

/**
 * Starts the reference issuer: one plain-HTTP server on loopback holding the org authorization
 * server (issuer = origin) and custom servers at `/oauth2/{id}` (`default` always).
 *
 * @example
 * const issuer = await startIssuer({ servers: ['payments'] });
 * const token = await issuer.server('default').mintAccessToken({ scp: ['orders:read'] });
 * await issuer.close();
 */
export async function startIssuer(options: IssuerOptions = {}): Promise<ReferenceIssuer> {
  const settings = resolveSettings(options);
  // One key per server (org + custom), generated on the thread pool in parallel: RSA key generation
  // is the slowest part of starting an issuer.
  const serverCount = settings.servers.length + 1;
  const initialKeys = await Promise.all(
    Array.from({ length: serverCount }, () => generateSigningKeyInBackground(settings.alg)),
  );
  const http = createServer();
  const address = await listen(http, settings.port, settings.host);
  return new RunningIssuer(http, originOf(settings.host, address.port), settings, initialKeys);
}
