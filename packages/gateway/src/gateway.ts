/**
 * `startGateway`: loads the policy, fetches every issuer's keys once, then answers proxies over
 * HTTP (and gRPC and metrics when asked). `reload()` swaps in a new policy only when it is valid
 * and its issuers answer; `close()` drains.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { Server as GrpcServer } from '@grpc/grpc-js';
import { createMemoryStore, type ReplayStore, TokenwardError, type TokenwardEvent } from '@tokenward/core';
import { GatewayStartError } from './errors.js';
import { DEFAULT_DECISION_TIMEOUT, decisionTimeoutProblem } from './lib/decision/deadline.js';
import { PolicyError } from './lib/policy/issues.js';
import {
  type LoadedPolicy,
  type LoadPolicyOptions,
  loadPolicy,
  type PolicyInput,
} from './lib/policy/load.js';
import type { VerifierSlot } from './lib/policy/verifiers.js';
import { bindCheckServer, createCheckServer } from './lib/server/grpc.js';
import { createAuthorizerServer, DEFAULT_MAX_HEADER_SIZE, maxHeaderSizeProblem } from './lib/server/http.js';
import { closeGracefully, listen, listenFailure } from './lib/server/listen.js';
import { createMetrics } from './lib/server/metrics.js';
import type { AuthorizerState } from './lib/server/state.js';

export interface GatewayOptions {
  /** Policy file (YAML or JSON; native or OpenAPI 3.0/3.1), or the policy document itself. */
  readonly policy: PolicyInput;
  /** HTTP port of the authorizer; `0` picks a free one. Default `4180`. */
  readonly port?: number;
  /** Address to listen on. Default `'127.0.0.1'`: only proxies on this machine can ask. */
  readonly host?: string;
  /**
   * Bytes of request line and headers the HTTP port reads; a larger request is answered 431.
   * Keep it above what the proxy in front accepts plus what it adds (the recipes' NGINX and Caddy
   * accept 32 KiB), or a request the proxy accepted is refused for its size (through NGINX as
   * 431 with the recipe's mapping). From 16384 to 1048576. Default `65536` (64 KiB).
   * @example maxHeaderSize: 128 * 1024 // behind `large_client_header_buffers 4 32k`
   */
  readonly maxHeaderSize?: number;
  /** Port of the gRPC `Check` service (Envoy); `0` picks a free one. Default: no gRPC service. */
  readonly grpcPort?: number;
  /** Port of the Prometheus metrics; `0` picks a free one. Default: no metrics listener. */
  readonly metricsPort?: number;
  /** Path prefix of Envoy's HTTP `ext_authz` calls (its `path_prefix`). Default `'/envoy'`. */
  readonly envoyPathPrefix?: string;
  /** Seconds `close()` lets requests under way finish. Default `10`. */
  readonly drainSeconds?: number;
  /**
   * Seconds one decision may take: past it the gateway answers 503 `ERR_DECISION_TIMEOUT` with
   * `Retry-After` (the token may be fine) and abandons what it was waiting for (discovery, the key
   * set, introspection, the replay store). Keep it under how long the proxy in front waits for the
   * gateway (the recipes wait 15 s), or the proxy answers its own timeout instead. More than 0, at
   * most 60. Default `12`: above the longest fetch for one request with the issuers' default
   * `httpTimeout` (discovery, then the key set, 5 s each).
   * @example decisionTimeout: 2.5 // behind Envoy with `timeout: 3s`
   */
  readonly decisionTimeout?: number;
  /** Receives one line per notable event: warnings, reloads, key-set failures. Default: none. */
  readonly onLog?: (line: string) => void;
  /**
   * The verifiers' clock in epoch milliseconds (core's `clock` option), for tests and replays of
   * recorded traffic. Default: the real time.
   */
  readonly clock?: () => number;
  /**
   * Where DPoP proofs are burned (RFC 9449 section 11.1), shared by every issuer entry with `dpop`
   * and kept across reloads. Give every replica of the gateway the same shared store
   * (`createRedisStore` from `@tokenward/redis`), or each accepts a proof another one already
   * accepted. A store that cannot answer makes DPoP requests fail closed (503). Default: one
   * store in this process's memory.
   */
  readonly replayStore?: ReplayStore;
}

/** The outcome of {@link Gateway.reload}. */
export type ReloadResult =
  | { readonly ok: true; readonly rules: number; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly message: string };

export interface Gateway {
  /** `http://HOST:PORT` of the authorizer. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** `HOST:PORT` of the gRPC service, when enabled. */
  readonly grpcAddress: string | undefined;
  /** `http://HOST:PORT/metrics`, when enabled. */
  readonly metricsUrl: string | undefined;
  /** Warnings of the policy in use (e.g. OpenAPI operations without security). */
  readonly warnings: readonly string[];
  /** Re-reads the policy; an invalid one (or one whose issuers cannot be reached) leaves the old in place. */
  reload(): Promise<ReloadResult>;
  /** The metrics in Prometheus text format. */
  metrics(): Promise<string>;
  /** Stops accepting, lets requests under way finish (up to `drainSeconds`), then closes. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4180;
export const DEFAULT_HOST = '127.0.0.1';

/** Every option's name: another (a misspelt one) is refused, not silently left at its default. */
const OPTION_NAMES: Readonly<Record<keyof GatewayOptions, true>> = {
  policy: true,
  port: true,
  host: true,
  maxHeaderSize: true,
  grpcPort: true,
  metricsPort: true,
  envoyPathPrefix: true,
  drainSeconds: true,
  decisionTimeout: true,
  onLog: true,
  clock: true,
  replayStore: true,
};

/**
 * Starts a gateway. Rejects with {@link GatewayStartError}: `policy` (with every problem and its
 * line), `issuer` (an issuer's keys could not be fetched) or `listen` (e.g. a port in use).
 *
 * @example
 * const gateway = await startGateway({ policy: 'policy.yaml', port: 4180 });
 * // NGINX: auth_request /_auth;  location = /_auth { proxy_pass http://127.0.0.1:4180/auth; }
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const unknown = Object.keys(options).find((name) => !Object.hasOwn(OPTION_NAMES, name));
  if (unknown !== undefined) {
    const known = Object.keys(OPTION_NAMES).join(', ');
    throw new TokenwardError('ERR_CONFIG', `unknown option \`${unknown}\`; known options: ${known}`);
  }
  const host = options.host ?? DEFAULT_HOST;
  const maxHeaderSize = options.maxHeaderSize ?? DEFAULT_MAX_HEADER_SIZE;
  const sizeProblem = maxHeaderSizeProblem(maxHeaderSize);
  if (sizeProblem !== undefined)
    throw new TokenwardError('ERR_CONFIG', `maxHeaderSize ${sizeProblem}; found ${maxHeaderSize}`);
  const decisionTimeout = options.decisionTimeout ?? DEFAULT_DECISION_TIMEOUT;
  const timeoutProblem = decisionTimeoutProblem(decisionTimeout);
  if (timeoutProblem !== undefined) {
    const found = typeof decisionTimeout === 'string' ? `"${decisionTimeout}"` : String(decisionTimeout);
    throw new TokenwardError('ERR_CONFIG', `decisionTimeout ${timeoutProblem}; found ${found}`);
  }
  const log = options.onLog ?? (() => {});
  const metrics = createMetrics();
  // Failures while starting or reloading are reported once, by the start or reload itself.
  let serving = false;
  const onEvent = (event: TokenwardEvent) => {
    metrics.recordEvent(event);
    if (serving && (event.type === 'jwks_refresh_failed' || event.type === 'discovery_failed')) {
      log(`keys of ${event.issuer} could not be fetched: ${event.message}`);
    }
  };
  const hooks = { onEvent, clock: options.clock, replayStore: options.replayStore ?? createMemoryStore() };
  let policy = await loadOrFail(options.policy, hooks);
  await warmOrFail(policy.verifiers.values());
  let draining = false;
  const state: AuthorizerState = {
    policy: () => policy,
    ready: () => true,
    draining: () => draining,
    metrics,
    envoyPrefix: options.envoyPathPrefix ?? '/envoy',
    decisionTimeout,
    log,
  };
  metrics.setReady(true);
  serving = true;

  const started: (() => Promise<void>)[] = [];
  const graceMs = (options.drainSeconds ?? 10) * 1000;
  const stopAll = () => Promise.all(started.map((stop) => stop())).then(() => undefined);
  try {
    const http = createAuthorizerServer(state, maxHeaderSize);
    const port = await listen(http, host, options.port ?? DEFAULT_PORT, 'the HTTP port');
    started.push(() => closeGracefully(http, graceMs));
    const grpcAddress =
      options.grpcPort === undefined
        ? undefined
        : await startGrpc(state, host, options.grpcPort, graceMs, started);
    const metricsUrl =
      options.metricsPort === undefined
        ? undefined
        : await startMetrics(metrics.registry, host, options.metricsPort, graceMs, started);
    return {
      url: `http://${hostForUrl(host)}:${port}`,
      host,
      port,
      grpcAddress,
      metricsUrl,
      get warnings() {
        return policy.warnings;
      },
      async reload() {
        try {
          const next = await loadOrFail(options.policy, { ...hooks, previous: policy });
          const reused = new Set<VerifierSlot>(policy.verifiers.values());
          await warmOrFail([...next.verifiers.values()].filter((slot) => !reused.has(slot)));
          policy = next;
          metrics.recordReload('ok');
          return { ok: true, rules: next.rules.length, warnings: next.warnings };
        } catch (error) {
          metrics.recordReload('failed');
          return { ok: false, message: (error as Error).message };
        }
      },
      metrics: () => metrics.registry.metrics(),
      async close() {
        draining = true;
        metrics.setReady(false);
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function loadOrFail(input: PolicyInput, options: LoadPolicyOptions): Promise<LoadedPolicy> {
  try {
    return await loadPolicy(input, options);
  } catch (error) {
    if (error instanceof PolicyError) throw new GatewayStartError('policy', error.message, { cause: error });
    throw error;
  }
}

/** Fetches the keys of every verifier's issuers once; the first that cannot be fetched is named. */
async function warmOrFail(slots: Iterable<VerifierSlot>): Promise<void> {
  const list = [...slots];
  const outcomes = await Promise.allSettled(list.map((slot) => slot.verifier.warm()));
  const failed = outcomes.findIndex((outcome) => outcome.status === 'rejected');
  if (failed === -1) return;
  const slot = list[failed]!;
  const reason = (outcomes[failed] as PromiseRejectedResult).reason as Error;
  const names = slot.names.map((name) => `"${name}"`).join(', ');
  throw new GatewayStartError(
    'issuer',
    `the keys of issuer ${names} (${slot.verifier.issuers.join(', ')}) could not be fetched: ${reason.message}`,
    { cause: reason },
  );
}

async function startGrpc(
  state: AuthorizerState,
  host: string,
  port: number,
  graceMs: number,
  started: (() => Promise<void>)[],
): Promise<string> {
  const server: GrpcServer = createCheckServer(state);
  let bound: number;
  try {
    bound = await bindCheckServer(server, host, port);
  } catch (error) {
    throw new GatewayStartError('listen', listenFailure(error as Error, host, port, 'the gRPC port'), {
      cause: error,
    });
  }
  started.push(
    () =>
      new Promise((resolve) => {
        const timer = setTimeout(() => server.forceShutdown(), graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  );
  return `${hostForUrl(host)}:${bound}`;
}

async function startMetrics(
  registry: { metrics(): Promise<string>; contentType: string },
  host: string,
  port: number,
  graceMs: number,
  started: (() => Promise<void>)[],
): Promise<string> {
  // Every path answers with the metrics: scrapers differ on whether they append /metrics.
  const server: HttpServer = createServer((request, response) => {
    request.resume();
    void registry.metrics().then((text) => {
      response.writeHead(200, { 'Content-Type': registry.contentType });
      response.end(text);
    });
  });
  const bound = await listen(server, host, port, 'the metrics port');
  started.push(() => closeGracefully(server, graceMs));
  return `http://${hostForUrl(host)}:${bound}/metrics`;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
