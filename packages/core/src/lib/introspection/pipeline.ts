/**
 * The access-token verifier with introspection (RFC 7662), top-down: which tokens are asked about
 * (by mode: opaque ones, org-server ones, every JWT after its local checks, or all), at which one
 * server, through the cache; the answer held to what a JWT must show; then this call's
 * requirements. JWTs that need no asking go to the local pipeline untouched.
 */
import { TokenwardError } from '../../errors.js';
import { reportVerificationFailure } from '../../events.js';
import type { Runtime, Transport } from '../../runtime.js';
import type { AccessTokenResult } from '../../types.js';
import type { AccessTokenPipeline, ConfirmAtIssuer } from '../access-token/pipeline.js';
import { applyCallChecks, type CallOptions } from '../checks/call-checks.js';
import { introspectedJwtBinding } from '../checks/confirmation.js';
import { createIssuerRouter } from '../checks/issuer-routing.js';
import { noteAcrFromAnswer } from '../checks/step-up.js';
import { challengeSchemes, createDpopBinding } from '../dpop/binding.js';
import { KEY_DEFAULTS } from '../keys/issuer-keys-config.js';
import { joinBoundMs } from '../keys/shared-flight.js';
import { configError } from '../options/option-checks.js';
import type { ResolvedVerifierOptions } from '../options/resolve.js';
import { isTraced, traceOperation } from '../tracing/channels.js';
import { type IntrospectTrace, introspectTrace } from '../tracing/introspect.js';
import { recordToken, type VerifyTrace, verifyTrace } from '../tracing/verify.js';
import { answerAboutJwt, heldToAnswer } from './answer-bounds.js';
import type { ResolvedIntrospection } from './options.js';
import { introspectedResult } from './result.js';
import { type IntrospectionServer, introspectionServers } from './servers.js';
import { checkOpaqueToken, claimedIssuer, claimsOfJwt, isJwtShaped, issuerOfJwt } from './token-shape.js';
import { createVerdictCache, type Verdict } from './verdict-cache.js';

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
  const servers = introspectionServers(deps);
  const { tracing } = deps.runtime;
  // An introspection-only verifier asks about a JWT at the configured issuer it names, refusing
  // other issuers as local verification would, before anything is sent.
  const route = createIssuerRouter(settings.issuers, settings.orgServerRules);
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
  // The JWT met `requiredClaims` in its local checks, and its claims, not the answer's, make the result.
  const answerPolicy = { ...policy, requiredClaims: [] };

  /** The verdict of `server` on `token`, published on `tokenward:introspect` while traced. */
  function verdictOf(token: string, server: IntrospectionServer): Promise<Verdict> {
    const channel = tracing?.introspect;
    if (!isTraced(channel)) return resolveVerdict(token, server, undefined);
    const trace = introspectTrace(server.issuer);
    return Promise.resolve(
      traceOperation(
        channel,
        trace,
        () => resolveVerdict(token, server, trace),
        (context, verdict) => {
          context.active = verdict.active;
        },
      ),
    );
  }

  /** The verdict of `server` on `token`, from the cache when it holds one of that server. */
  function resolveVerdict(
    token: string,
    server: IntrospectionServer,
    trace: IntrospectTrace | undefined,
  ): Promise<Verdict> {
    const usable = (verdict: Verdict) =>
      verdict.active ? verdict.issuer === server.issuer : verdict.asked.includes(server.issuer);
    return cache.resolve(token, usable, async () => {
      if (trace !== undefined) trace.cacheHit = false;
      const answer = await server.ask(token, trace);
      return answer.active
        ? { active: true, issuer: server.issuer, response: answer.response }
        : { active: false, asked: [server.issuer] };
    });
  }

  /** What `server` answers about `token` when it is active, or `ERR_TOKEN_INACTIVE`. */
  async function activeAnswer(
    token: string,
    server: IntrospectionServer,
  ): Promise<Readonly<Record<string, unknown>>> {
    const verdict = await verdictOf(token, server);
    if (!verdict.active) {
      throw new TokenwardError(
        'ERR_TOKEN_INACTIVE',
        'the authorization server says the token is not active (revoked, expired, or not one it issued)',
      );
    }
    return verdict.response;
  }

  /** `token` as `server` sees it: a result, or `ERR_TOKEN_INACTIVE`. */
  async function introspect(token: string, server: IntrospectionServer): Promise<AccessTokenResult> {
    const response = await activeAnswer(token, server);
    // Checked on every use, not only when asked: a cached answer must still hold now (`exp` first).
    return introspectedResult(token, response, server, policy, settings.clock());
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

  /** {@link introspectedThenChecked}, published on `tokenward:verify` while traced, as a JWT's verification is. */
  function verifyIntrospected(
    token: unknown,
    pick: () => IntrospectionServer,
    call: CallOptions,
  ): Promise<AccessTokenResult> {
    const channel = tracing?.verify;
    if (!isTraced(channel)) return introspectedThenChecked(token, pick, call, undefined);
    const trace = verifyTrace('access_token');
    return Promise.resolve(
      traceOperation(
        channel,
        trace,
        () => introspectedThenChecked(token, pick, call, trace),
        (context, result) => recordToken(context, result.issuer, undefined),
      ),
    );
  }

  /**
   * `token` as `server` sees it, bound as a JWT's own `cnf` binds it too when `token` is one
   * (checks/confirmation.ts). The answer is the only word on the token, its `acr` the one a
   * step-up route compares, and a refusal says so (checks/step-up.ts).
   */
  async function introspectBound(token: string, server: IntrospectionServer): Promise<AccessTokenResult> {
    const introspected = await introspect(token, server);
    const result = isJwtShaped(token) ? boundAsJwt(token, introspected) : introspected;
    noteAcrFromAnswer(result.claims);
    return result;
  }

  /** `result`, the answer about the JWT `token`, with the `cnf` the token's own binding leaves it. */
  function boundAsJwt(token: string, result: AccessTokenResult): AccessTokenResult {
    const answered = result.claims.cnf;
    const cnf = introspectedJwtBinding(claimsOfJwt(token, deps.runtime.codec).cnf, answered);
    if (cnf === answered) return result;
    return Object.freeze({ ...result, claims: Object.freeze({ ...result.claims, cnf }) });
  }

  /**
   * `token` introspected at the server `pick` chooses (which may refuse to choose), then how it
   * was presented and this call's requirements; every failure reported.
   */
  async function introspectedThenChecked(
    token: unknown,
    pick: () => IntrospectionServer,
    call: CallOptions,
    trace: VerifyTrace | undefined,
  ): Promise<AccessTokenResult> {
    let issuer: string | undefined;
    try {
      const server = pick();
      const checked = checkOpaqueToken(token, settings.maxTokenSize);
      issuer = server.issuer;
      const result = await introspectBound(checked, server);
      return await binding.accept(result, call.dpop, (accepted) =>
        applyCallChecks(accepted, call.checks, settings),
      );
    } catch (error) {
      recordToken(trace, issuer, undefined);
      throw failed(error, issuer, call);
    }
  }

  // `mode: 'always'`: a JWT that passed every local check must still be active at its issuer,
  // asked before the route's requirements (a revoked token is 401, not 403 for a scope); the
  // answer may only restrict it (answer-bounds.ts), checked on every use, cached answers
  // included, and the route and the caller get the result as the answer narrows it. What the
  // answer leaves out is the JWT's (RFC 7662 section 2.2 requires only `active`).
  const confirmAtIssuer: ConfirmAtIssuer = async (result) => {
    const server = servers.byIssuer.get(result.issuer)!;
    const response = await activeAnswer(result.token, server);
    const completed = answerAboutJwt(response, result.claims);
    const answered = introspectedResult(result.token, completed, server, answerPolicy, settings.clock());
    return heldToAnswer(result, answered, response, server.audiences, settings.acrLevels);
  };
  const local = deps.local(mode === 'always' ? confirmAtIssuer : undefined);
  const { codec } = deps.runtime;

  return (token, call, synchronous) => {
    const jwt = isJwtShaped(token);
    const org = jwt && servers.org.size > 0 ? servers.org.get(issuerOfJwt(token, codec) ?? '') : undefined;
    if (jwt && org === undefined && mode === 'fallback') return local(token, call, synchronous);
    if (synchronous) {
      throw configError(
        'verifySync never makes network calls and this token must be introspected; use verify',
      );
    }
    // `'always'`: the JWT is checked locally first, then confirmed at its issuer.
    if (jwt && org === undefined && mode === 'always') return local(token, call, false);
    // One server: the org server for its tokens; for a JWT in an introspection-only verifier,
    // the configured issuer it names (others refused before anything is sent); else the one
    // chosen for opaque tokens.
    const pick = () => {
      if (org !== undefined) return org;
      if (!jwt) return servers.opaque;
      return servers.byIssuer.get(route(claimedIssuer(token, codec)).issuer)!;
    };
    return verifyIntrospected(token, pick, call);
  };
}
