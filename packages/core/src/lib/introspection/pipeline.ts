/**
 * The access-token verifier with introspection (RFC 7662), top-down: which tokens are asked about
 * (by mode: opaque ones, org-server ones, every JWT after its local checks, or all), at which
 * servers, through the cache; the answer held to what a JWT must show; then this call's
 * requirements. JWTs that need no asking go to the local pipeline untouched.
 */
import { TokenwardError } from '../../errors.js';
import { reportVerificationFailure } from '../../events.js';
import type { Runtime, Transport } from '../../runtime.js';
import type { AccessTokenResult } from '../../types.js';
import type { AccessTokenPipeline, ConfirmAtIssuer } from '../access-token/pipeline.js';
import { applyCallChecks, type CallOptions } from '../checks/call-checks.js';
import { challengeSchemes, createDpopBinding } from '../dpop/binding.js';
import { createDiscovery } from '../keys/discovery.js';
import { KEY_DEFAULTS } from '../keys/issuer-keys-config.js';
import { joinBoundMs } from '../keys/shared-flight.js';
import { configError } from '../options/option-checks.js';
import type { ResolvedIssuer, ResolvedVerifierOptions } from '../options/resolve.js';
import { createClientCredentials } from './client-auth.js';
import { type AskEndpoint, createEndpointClient } from './endpoint.js';
import type { ResolvedClient, ResolvedIntrospection } from './options.js';
import { type IntrospectionTarget, introspectedResult } from './result.js';
import { checkOpaqueToken, isJwtShaped, issuerOfJwt } from './token-shape.js';
import { createVerdictCache, type Verdict } from './verdict-cache.js';

/** A server introspection asks, with its client. */
interface IntrospectionServer extends IntrospectionTarget {
  readonly ask: AskEndpoint;
}

export interface IntrospectingPipelineDeps {
  readonly settings: ResolvedVerifierOptions;
  readonly introspection: ResolvedIntrospection;
  /** The local checks for JWTs, with `confirm` run between them and the call's requirements. */
  readonly local: (confirm: ConfirmAtIssuer | undefined) => AccessTokenPipeline;
  readonly transport: Transport;
  readonly runtime: Pick<Runtime, 'signatures' | 'codec' | 'digests' | 'tracing'>;
}

export function createIntrospectingPipeline(deps: IntrospectingPipelineDeps): AccessTokenPipeline {
  const { settings, introspection } = deps;
  const { mode } = introspection;
  if (deps.transport.post === undefined) {
    throw configError(
      '`introspection` needs a transport with post(url, request); the `transport` given has none',
    );
  }
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
  const configured = settings.issuers.map((issuer) => serverOf(issuer, introspection.client));
  const orgClient = introspection.orgServer;
  const orgServers = new Map(
    orgClient === undefined
      ? []
      : orgIssuersOf(settings.issuers, orgClient.audiences).map((org) => [
          org.issuer,
          serverOf(org, orgClient),
        ]),
  );
  // An opaque token says nothing about its issuer: every server this API trusts may be asked.
  const opaqueServers = [...configured, ...orgServers.values()];
  const byIssuer = new Map(opaqueServers.map((server) => [server.issuer, server]));
  const trustedIssuers = Object.freeze(settings.issuers.map((issuer) => issuer.issuer));
  const cache = createVerdictCache({
    ...introspection,
    localMax: Math.max(settings.resultCacheMax, 1),
    clock: settings.clock,
    joinBoundMs: joinBoundMs(settings.keyTiming.httpTimeoutMs ?? KEY_DEFAULTS.httpTimeoutMs),
  });
  // An introspected token is bound to a key when the answer says so (RFC 9449 section 6.2): the
  // same presentation rules and proof checks as a JWT's.
  const binding = createDpopBinding(settings.dpop, deps.runtime, settings.clock, settings.onEvent);
  const schemes = challengeSchemes(settings.dpop);
  const policy = {
    clockTolerance: settings.clockTolerance,
    maxTokenAge: settings.maxTokenAge,
    requiredClaims: settings.requiredClaims,
  };

  /** The verdict of `servers` on `token`, asked in order until one knows it as active. */
  function verdictOf(token: string, servers: readonly IntrospectionServer[]): Promise<Verdict> {
    const usable = (verdict: Verdict) =>
      verdict.active
        ? servers.some((server) => server.issuer === verdict.issuer)
        : servers.every((server) => verdict.asked.includes(server.issuer));
    return cache.resolve(token, usable, async () => {
      let failure: unknown;
      for (const server of servers) {
        try {
          const answer = await server.ask(token);
          if (answer.active) return { active: true, issuer: server.issuer, response: answer.response };
        } catch (error) {
          failure ??= error;
        }
      }
      // A server that could not answer may know the token: not knowing is not "inactive".
      if (failure !== undefined) throw failure;
      return { active: false, asked: servers.map((server) => server.issuer) };
    });
  }

  /** `token` as `servers` see it: a result, or `ERR_TOKEN_INACTIVE`. */
  async function introspect(
    token: string,
    servers: readonly IntrospectionServer[],
  ): Promise<AccessTokenResult> {
    const verdict = await verdictOf(token, servers);
    if (!verdict.active) {
      throw new TokenwardError(
        'ERR_TOKEN_INACTIVE',
        servers.length === 1
          ? 'the authorization server says the token is not active (revoked, expired, or not one it issued)'
          : 'no authorization server this API trusts knows the token as active (revoked, expired, or unknown)',
      );
    }
    // Checked on every use, not only when asked: a cached answer must still hold now (`exp` first).
    return introspectedResult(
      token,
      verdict.response,
      byIssuer.get(verdict.issuer)!,
      policy,
      settings.clock(),
    );
  }

  /** Reports a failure as the local pipeline does (event, realm) and rejects with it. */
  async function reported(
    work: Promise<AccessTokenResult>,
    issuer: string | undefined,
    call: CallOptions,
  ): Promise<AccessTokenResult> {
    try {
      return await work;
    } catch (error) {
      throw failed(error, issuer, call);
    }
  }

  const failed = (error: unknown, issuer: string | undefined, call: CallOptions) =>
    reportVerificationFailure(
      settings.onEvent,
      settings.realm,
      error,
      issuer,
      trustedIssuers,
      call.dpop === undefined ? schemes?.bearer : schemes?.dpop,
    );

  async function introspectedThenChecked(
    token: string,
    servers: readonly IntrospectionServer[],
    { checks, dpop }: CallOptions,
  ): Promise<AccessTokenResult> {
    const result = await introspect(token, servers);
    return binding.accept(result, dpop, (accepted) => applyCallChecks(accepted, checks, settings));
  }

  // `mode: 'always'`: a JWT that passed every local check must still be active at its issuer,
  // asked before the route's requirements (a revoked token is 401, not 403 for a scope).
  const confirmAtIssuer: ConfirmAtIssuer = async (result) => {
    await introspect(result.token, [byIssuer.get(result.issuer)!]);
  };
  const local = deps.local(mode === 'always' ? confirmAtIssuer : undefined);

  return (token, call, synchronous) => {
    const jwt = isJwtShaped(token);
    const orgServer =
      jwt && orgServers.size > 0 ? orgServers.get(issuerOfJwt(token, deps.runtime.codec) ?? '') : undefined;
    const asks = mode === 'only' || !jwt || orgServer !== undefined || mode === 'always';
    if (!asks) return local(token, call, synchronous);
    if (synchronous) {
      throw configError(
        'verifySync never makes network calls and this token must be introspected; use verify',
      );
    }
    if (mode === 'always' && jwt && orgServer === undefined) return local(token, call, false);
    const servers = orgServer === undefined ? opaqueServers : [orgServer];
    try {
      const checked = checkOpaqueToken(token, settings.maxTokenSize);
      return reported(introspectedThenChecked(checked, servers, call), orgServer?.issuer, call);
    } catch (error) {
      return Promise.reject(failed(error, undefined, call));
    }
  };
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
