/**
 * The servers introspection asks, chosen at construction: each configured issuer (for its own
 * JWTs in `'always'` mode), the org servers of the configured custom servers when `orgServer`
 * names a client there, and the one server asked about opaque tokens. An opaque token names no
 * issuer, and sending it to a server that did not mint it hands a caller's credential to that
 * server and spends its rate limit (RFC 7662 section 4), so it goes to exactly one server: the
 * only issuer, or the one `opaqueTokenIssuer` names.
 */
import type { Runtime, Transport } from '../../runtime.js';
import { createDiscovery } from '../keys/discovery.js';
import { KEY_DEFAULTS } from '../keys/issuer-keys-config.js';
import { configError } from '../options/option-checks.js';
import type { ResolvedIssuer, ResolvedVerifierOptions } from '../options/resolve.js';
import { QUOTED_LENGTH, quoteList } from '../quote.js';
import { createClientCredentials } from './client-auth.js';
import { type AskEndpoint, createEndpointClient } from './endpoint.js';
import type { ResolvedClient, ResolvedIntrospection } from './options.js';
import type { IntrospectionTarget } from './result.js';

/** A server introspection asks, with its client. */
export interface IntrospectionServer extends IntrospectionTarget {
  readonly ask: AskEndpoint;
}

export interface IntrospectionServers {
  /** The configured issuers' servers, and the org servers with `orgServer`, by issuer. */
  readonly byIssuer: ReadonlyMap<string, IntrospectionServer>;
  /** The org servers, by issuer: their JWTs are introspected there instead of refused. */
  readonly org: ReadonlyMap<string, IntrospectionServer>;
  /** The one server asked about opaque tokens. */
  readonly opaque: IntrospectionServer;
}

export interface ServerDeps {
  readonly settings: ResolvedVerifierOptions;
  readonly introspection: ResolvedIntrospection;
  readonly transport: Transport;
  readonly runtime: Pick<Runtime, 'tracing'>;
}

export function introspectionServers(deps: ServerDeps): IntrospectionServers {
  const { settings, introspection } = deps;
  const serverOf = (issuer: ResolvedIssuer | OrgIssuer, client: ResolvedClient): IntrospectionServer => ({
    issuer: issuer.issuer,
    audiences: issuer.audiences,
    server: issuer.server,
    ask: createEndpointClient({
      issuer: issuer.issuer,
      clientId: client.clientId,
      discovery: createDiscovery({
        ...KEY_DEFAULTS,
        ...settings.keyTiming,
        issuer: issuer.issuer,
        allowedJwksOrigins: issuer.allowedJwksOrigins,
        allowInsecureHttp: issuer.allowInsecureHttp,
        transport: deps.transport,
        clock: settings.clock,
        onEvent: settings.onEvent,
        tracing: deps.runtime.tracing,
      }),
      credentials: createClientCredentials(client, issuer.issuer, settings.clock),
      transport: deps.transport,
      timeoutMs: settings.keyTiming.httpTimeoutMs ?? KEY_DEFAULTS.httpTimeoutMs,
      maxBytes: introspection.maxResponseBytes,
      allowInsecureHttp: issuer.allowInsecureHttp,
      clock: settings.clock,
      onEvent: settings.onEvent,
    }),
  });
  const orgClient = introspection.orgServer;
  const org = new Map(
    orgClient === undefined
      ? []
      : orgIssuersOf(settings.issuers, orgClient.audiences).map((issuer) => [
          issuer.issuer,
          serverOf(issuer, orgClient),
        ]),
  );
  const byIssuer = new Map([
    ...settings.issuers.map((issuer) => [issuer.issuer, serverOf(issuer, introspection.client)] as const),
    ...org,
  ]);
  return { byIssuer, org, opaque: opaqueServer(introspection.opaqueTokenIssuer, settings.issuers, byIssuer) };
}

/** The server named by `opaqueTokenIssuer`, or the only configured one; `ERR_CONFIG` otherwise. */
function opaqueServer(
  named: string | undefined,
  issuers: readonly ResolvedIssuer[],
  byIssuer: ReadonlyMap<string, IntrospectionServer>,
): IntrospectionServer {
  const choices = quoteList([...byIssuer.keys()], ', ', QUOTED_LENGTH.configured);
  if (named === undefined) {
    if (issuers.length === 1) return byIssuer.get(issuers[0]!.issuer)!;
    throw configError(
      `\`introspection.opaqueTokenIssuer\` is required with ${issuers.length} issuers: an opaque token names ` +
        'no issuer and is sent to exactly one introspection endpoint; set it to the issuer that mints ' +
        `this API's opaque tokens, one of ${choices}`,
    );
  }
  const server = byIssuer.get(named);
  if (server === undefined) {
    throw configError(
      `\`introspection.opaqueTokenIssuer\` must be a configured issuer${byIssuer.size > issuers.length ? ' or the org server `orgServer` names a client of' : ''}, ` +
        `exactly as configured: one of ${choices}; found ${quoteList([named], '', QUOTED_LENGTH.configured)}`,
    );
  }
  return server;
}

/** An org authorization server, as a configured issuer would be. */
interface OrgIssuer {
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly server: { readonly kind: 'org'; readonly issuer: string };
  readonly allowedJwksOrigins: readonly string[];
  readonly allowInsecureHttp: boolean;
}

/** The org servers of the configured custom servers: one per origin (DESIGN "authorization-server model"). */
function orgIssuersOf(
  issuers: readonly ResolvedIssuer[],
  audiences: readonly string[] | undefined,
): OrgIssuer[] {
  const origins = new Map<string, ResolvedIssuer>();
  for (const issuer of issuers) {
    if (issuer.server.kind === 'custom' && !origins.has(issuer.origin)) origins.set(issuer.origin, issuer);
  }
  return [...origins].map(([origin, custom]) => ({
    issuer: origin,
    audiences: audiences ?? [origin],
    server: Object.freeze({ kind: 'org', issuer: origin }),
    allowedJwksOrigins: [],
    allowInsecureHttp: custom.allowInsecureHttp,
  }));
}
