/**
 * Authorization-server metadata discovery (RFC 8414 §3, OpenID Connect Discovery §4), reduced to
 * what a resource server needs from it: a `jwks_uri` that provably belongs to the issuer, and the
 * `introspection_endpoint` (RFC 8414 §2), which the introspection client checks itself.
 */
import { discoveryUrls } from '../../discovery-urls.js';
import { TokenwardError } from '../../errors.js';
import { type EventHandler, emit } from '../../events.js';
import type { Transport } from '../../runtime.js';
import { QUOTED_LENGTH, quote } from '../quote.js';
import { isTraced, type Timed, type Tracing, traceOperation } from '../tracing/channels.js';
import { type DocumentResult, fetchJsonObject } from './json-document.js';
import { fetchableUrlProblem, originOf, warnIfInsecure } from './origin.js';
import { joinBoundMs, joinShared } from './shared-flight.js';

export interface DiscoveryConfig {
  readonly issuer: string;
  /** Origins other than the issuer's that a discovered `jwks_uri` may use. */
  readonly allowedJwksOrigins: readonly string[];
  readonly transport: Transport;
  readonly httpTimeoutMs: number;
  readonly maxDiscoveryBytes: number;
  /** Seconds a fetched document is used before it is fetched again. */
  readonly discoveryCacheMaxAge: number;
  readonly clock: () => number;
  readonly onEvent?: EventHandler | undefined;
  readonly allowInsecureHttp?: boolean | undefined;
  readonly tracing?: Tracing | undefined;
}

/** What a resource server reads from an issuer's metadata. */
export interface DiscoveredMetadata {
  readonly jwksUri: string;
  /** `introspection_endpoint` as published (any string), or `undefined` when absent. */
  readonly introspectionEndpoint: string | undefined;
}

export interface Discovery {
  /**
   * The issuer's `jwks_uri`, from cached metadata while it is younger than `discoveryCacheMaxAge`.
   * A failed refresh keeps the last good metadata; with none, it rejects with
   * `ERR_DISCOVERY_FAILED` or `ERR_DISCOVERY_ISSUER_MISMATCH`. Concurrent callers share one fetch.
   */
  jwksUri(): Promise<string>;
  /** The metadata {@link Discovery.jwksUri} reads, cached and refreshed the same way. */
  metadata(): Promise<DiscoveredMetadata>;
  /** The current metadata and when it was fetched (for a snapshot); `undefined` before the first discovery. */
  current(): { readonly metadata: DiscoveredMetadata; readonly fetchedAt: number } | undefined;
  /** Installs metadata from a snapshot, its `jwks_uri` checked like a discovered one; returns why not, if not. */
  restore(metadata: DiscoveredMetadata, fetchedAt: number): string | undefined;
}

/**
 * Statuses that mean "no document at this address, try the next form". Anything else stops:
 * a 5xx or a timeout says the server is failing, and asking it twice more would triple the
 * load on an upstream in trouble and the time a caller waits; a 3xx is a redirect we refuse.
 * 405 is included because some servers answer it for paths they do not route, 410 because it
 * says plainly that nothing is there.
 */
const NOT_AT_THIS_ADDRESS = new Set([404, 405, 410]);

export function createDiscovery(config: DiscoveryConfig): Discovery {
  let current: { readonly metadata: DiscoveredMetadata; readonly fetchedAt: number } | undefined;
  let inFlight: Promise<DiscoveredMetadata> | undefined;
  const allowedOrigins = new Set(config.allowedJwksOrigins.map((entry) => originOf(entry) ?? entry));

  async function refresh(): Promise<DiscoveredMetadata> {
    try {
      const metadata = await tracedFetch();
      current = { metadata, fetchedAt: config.clock() };
      return metadata;
    } catch (error) {
      // Metadata changes rarely and the failure is already reported as an event: the last
      // good `jwks_uri` keeps keys flowing through a discovery outage.
      if (current !== undefined) return current.metadata;
      throw error;
    }
  }

  /** One discovery (every address tried), published on the discovery channel while it has subscribers. */
  function tracedFetch(): Promise<DiscoveredMetadata> {
    const channel = config.tracing?.discovery;
    if (!isTraced(channel)) return fetchMetadata(config, allowedOrigins);
    const context: Timed & { issuer: string; jwksUri: string | undefined } = {
      issuer: config.issuer,
      jwksUri: undefined,
      startedAt: performance.now(),
      durationMs: undefined,
      outcome: undefined,
    };
    return traceOperation(
      channel,
      context,
      () => fetchMetadata(config, allowedOrigins),
      (done, metadata) => {
        done.jwksUri = metadata.jwksUri;
      },
    ) as Promise<DiscoveredMetadata>;
  }

  function metadata(): Promise<DiscoveredMetadata> {
    if (current !== undefined && config.clock() < current.fetchedAt + config.discoveryCacheMaxAge * 1000) {
      return Promise.resolve(current.metadata);
    }
    const shared = inFlight;
    if (shared !== undefined) {
      return joinShared(shared, joinBoundMs(config.httpTimeoutMs), () => {
        if (inFlight === shared) inFlight = undefined;
        return metadata();
      });
    }
    const started = refresh().finally(() => {
      if (inFlight === started) inFlight = undefined;
    });
    inFlight = started;
    return started;
  }

  return {
    metadata,
    jwksUri: () => metadata().then((found) => found.jwksUri),
    current: () => current,
    restore(restored, fetchedAt) {
      const problem = jwksUriProblem(config, allowedOrigins, restored.jwksUri);
      if (problem !== undefined) return `"jwksUri" ${quote(restored.jwksUri)} ${problem}`;
      current = { metadata: restored, fetchedAt };
      return undefined;
    },
  };
}

async function fetchMetadata(
  config: DiscoveryConfig,
  allowedOrigins: ReadonlySet<string>,
): Promise<DiscoveredMetadata> {
  const tried: string[] = [];
  for (const url of discoveryUrls(config.issuer)) {
    warnIfInsecure(config, url);
    const started = performance.now();
    const result = await fetchJsonObject(config.transport, url, {
      maxBytes: config.maxDiscoveryBytes,
      timeoutMs: config.httpTimeoutMs,
      headers: { accept: 'application/json' },
    });
    if (!result.ok && result.status !== undefined && NOT_AT_THIS_ADDRESS.has(result.status)) {
      tried.push(`${url} (${result.status})`);
      continue;
    }
    const metadata = readMetadata(config, allowedOrigins, url, result);
    emit(config.onEvent, {
      type: 'discovery_fetched',
      issuer: config.issuer,
      url,
      durationMs: performance.now() - started,
    });
    return metadata;
  }
  throw failure(
    config,
    tried.at(-1) ?? config.issuer,
    new TokenwardError(
      'ERR_DISCOVERY_FAILED',
      `No discovery document for issuer ${config.issuer}; tried ${tried.join(', ')}`,
    ),
  );
}

/** Validates a fetched document and returns what it says, or throws the reason it cannot be used. */
function readMetadata(
  config: DiscoveryConfig,
  allowedOrigins: ReadonlySet<string>,
  url: string,
  result: DocumentResult,
): DiscoveredMetadata {
  const fail = (message: string, cause?: unknown): TokenwardError =>
    failure(config, url, new TokenwardError('ERR_DISCOVERY_FAILED', message, { cause }));
  if (!result.ok) throw fail(`Discovery document ${url} ${result.problem}`, result.cause);
  const metadata = result.value;
  // MD-4, MD-5: a document naming another issuer must not be used at all.
  if (metadata.issuer !== config.issuer) {
    const found = typeof metadata.issuer === 'string' ? quote(metadata.issuer) : 'no issuer string';
    throw failure(
      config,
      url,
      new TokenwardError(
        'ERR_DISCOVERY_ISSUER_MISMATCH',
        `Discovery document ${url} names ${found}, but it was fetched for issuer ${quote(config.issuer, QUOTED_LENGTH.configured)}; ` +
          'the two must be identical (RFC 8414 section 3.3, OpenID Connect Discovery section 4.3)',
      ),
    );
  }
  const jwksUri = metadata.jwks_uri;
  if (typeof jwksUri !== 'string')
    throw fail(`Discovery document ${url} has no "jwks_uri" string (OpenID Connect Discovery section 3)`);
  const problem = jwksUriProblem(config, allowedOrigins, jwksUri);
  if (problem !== undefined) throw fail(`Discovery document ${url}: "jwks_uri" ${jwksUri} ${problem}`);
  const introspection = metadata.introspection_endpoint;
  return { jwksUri, introspectionEndpoint: typeof introspection === 'string' ? introspection : undefined };
}

/** Why keys may not be fetched from `jwksUri` for this issuer, if they may not. */
function jwksUriProblem(
  config: DiscoveryConfig,
  allowedOrigins: ReadonlySet<string>,
  jwksUri: string,
): string | undefined {
  const problem = fetchableUrlProblem(jwksUri, config.allowInsecureHttp);
  if (problem !== undefined) return problem;
  const jwksOrigin = originOf(jwksUri);
  const issuerOrigin = originOf(config.issuer);
  // §4.13 "Transport": keys come from the issuer's own origin unless the caller vouches for another.
  if (jwksOrigin !== issuerOrigin && (jwksOrigin === undefined || !allowedOrigins.has(jwksOrigin))) {
    return (
      `is on origin ${jwksOrigin}, but keys are fetched only from the issuer's origin ${issuerOrigin} ` +
      'or an allowed JWKS origin (allowedJwksOrigins)'
    );
  }
  return undefined;
}

function failure(config: DiscoveryConfig, url: string, error: TokenwardError): TokenwardError {
  emit(config.onEvent, {
    type: 'discovery_failed',
    issuer: config.issuer,
    url,
    code: error.code,
    message: error.message,
  });
  return error;
}
